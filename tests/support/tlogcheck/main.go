// tlogcheck checks OpenSSAD's signed notes, checkpoints and Merkle proofs with an implementation that
// shares no code with ours: Go's golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, from
// Debian's golang-golang-x-mod-dev. tests/unit/tlog/independent_test.cpp runs it; CMake builds it
// offline (GOPATH=/usr/share/gocode, GO111MODULE=off).
//
//	tlogcheck genkey NAME              prints a signer key and its verifier key (note.GenerateKey)
//	tlogcheck sign SKEYFILE < TEXT      prints the signed note (note.NewSigner, note.Sign)
//	tlogcheck open VKEY < NOTE          prints the text of the note once a signature by VKEY verifies
//	tlogcheck checkpoint VKEY < NOTE    opens the note, then prints its origin, size and root, one a line
//	tlogcheck root < JSON               {"leaf_hashes": [base64...]}: prints the tree's root in base64
//	tlogcheck inclusion < JSON          {"leaf_hashes", "index", "tree_size", "audit_path"}
//	tlogcheck consistency < JSON        {"leaf_hashes", "first", "second", "consistency"}
//
// inclusion and consistency also take a JSON array of such objects. For each, the proof is checked
// against the root of the first tree_size (second) leaves with tlog.CheckRecord (tlog.CheckTree), and
// compared with the proof tlog.ProveRecord (tlog.ProveTree) makes; a JSON line per case shows Go's.
// Any failure prints a message on stderr and exits with status 1; bad usage exits with status 2.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; {
	case cmd == "genkey" && len(args) == 1:
		err = genkey(args[0])
	case cmd == "sign" && len(args) == 1:
		err = sign(args[0])
	case cmd == "open" && len(args) == 1:
		err = open(args[0])
	case cmd == "checkpoint" && len(args) == 1:
		err = checkpoint(args[0])
	case cmd == "root" && len(args) == 0:
		err = root()
	case cmd == "inclusion" && len(args) == 0:
		err = inclusion()
	case cmd == "consistency" && len(args) == 0:
		err = consistency()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlogcheck %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tlogcheck genkey NAME | sign SKEYFILE | open VKEY | checkpoint VKEY | root | inclusion | consistency")
	os.Exit(2)
}

func genkey(name string) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return err
	}
	// GenerateKey does not check the name: a key it makes for a bad name is one NewSigner refuses.
	if _, err := note.NewSigner(skey); err != nil {
		return fmt.Errorf("note.NewSigner refuses the key note.GenerateKey made: %v", err)
	}
	if _, err := note.NewVerifier(vkey); err != nil {
		return fmt.Errorf("note.NewVerifier refuses the key note.GenerateKey made: %v", err)
	}
	fmt.Println(skey)
	fmt.Println(vkey)
	return nil
}

func sign(skeyFile string) error {
	skey, err := os.ReadFile(skeyFile)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(string(skey))
	if err != nil {
		return fmt.Errorf("note.NewSigner: %v", err)
	}
	text, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return fmt.Errorf("note.Sign: %v", err)
	}
	_, err = os.Stdout.Write(msg)
	return err
}

func openNote(vkey string) (*note.Note, error) {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("note.NewVerifier: %v", err)
	}
	msg, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return nil, fmt.Errorf("note.Open: %v", err)
	}
	return n, nil
}

func open(vkey string) error {
	n, err := openNote(vkey)
	if err != nil {
		return err
	}
	_, err = os.Stdout.WriteString(n.Text)
	return err
}

// checkpoint reads the note text as c2sp.org/tlog-checkpoint says, not as tlog.ParseTree does:
// ParseTree only reads the go.sum database's own checkpoints, whose origin is "go.sum database tree".
func checkpoint(vkey string) error {
	n, err := openNote(vkey)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return fmt.Errorf("checkpoint: %d lines, want at least 3", len(lines))
	}
	for i, line := range lines {
		if line == "" {
			return fmt.Errorf("checkpoint: line %d is empty", i+1)
		}
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return fmt.Errorf("checkpoint: tree size %q is not a decimal number without leading zeros", lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		return fmt.Errorf("checkpoint: root hash %q: %v", lines[2], err)
	}
	fmt.Printf("%s\n%d\n%s\n", lines[0], size, hash)
	return nil
}

// tree keeps every hash tlog.StoredHashesForRecordHash returns, in the order tlog.StoredHashIndex
// gives: the log as the Go sum database stores it, in memory.
type tree struct {
	leaves int64
	stored []tlog.Hash
}

func newTree(leafHashes []tlog.Hash) (*tree, error) {
	t := &tree{}
	for _, leaf := range leafHashes {
		hashes, err := tlog.StoredHashesForRecordHash(t.leaves, leaf, t)
		if err != nil {
			return nil, err
		}
		if want := tlog.StoredHashIndex(0, t.leaves); int64(len(t.stored)) != want {
			return nil, fmt.Errorf("stored hash index %d, want %d", len(t.stored), want)
		}
		t.stored = append(t.stored, hashes...)
		t.leaves++
	}
	return t, nil
}

func (t *tree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, index := range indexes {
		if index < 0 || index >= int64(len(t.stored)) {
			return nil, fmt.Errorf("no stored hash %d", index)
		}
		out[i] = t.stored[index]
	}
	return out, nil
}

// treeHash is tlog.TreeHash, except for the empty tree: TreeHash gives it an all-zero hash, RFC 9162
// §2.1.1 (and RFC 6962 §2.1) the hash of nothing.
func (t *tree) treeHash(n int64) (tlog.Hash, error) {
	if n == 0 {
		return tlog.Hash(sha256.Sum256(nil)), nil
	}
	return tlog.TreeHash(n, t)
}

func readJSON(v interface{}) error {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(v); err != nil {
		return fmt.Errorf("reading JSON from stdin: %v", err)
	}
	return nil
}

// readCases reads one JSON object or an array of them.
func readCases(one interface{}, many interface{}) (bool, error) {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		return false, err
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	isArray := len(trimmed) > 0 && trimmed[0] == '['
	target := one
	if isArray {
		target = many
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(target); err != nil {
		return false, fmt.Errorf("reading JSON from stdin: %v", err)
	}
	return isArray, nil
}

func root() error {
	var in struct {
		LeafHashes []tlog.Hash `json:"leaf_hashes"`
	}
	if err := readJSON(&in); err != nil {
		return err
	}
	t, err := newTree(in.LeafHashes)
	if err != nil {
		return err
	}
	h, err := t.treeHash(t.leaves)
	if err != nil {
		return err
	}
	fmt.Println(h)
	return nil
}

type inclusionCase struct {
	LeafHashes []tlog.Hash `json:"leaf_hashes"`
	Index      int64       `json:"index"`
	TreeSize   int64       `json:"tree_size"`
	AuditPath  []tlog.Hash `json:"audit_path"`
}

func inclusion() error {
	var one inclusionCase
	var many []inclusionCase
	isArray, err := readCases(&one, &many)
	if err != nil {
		return err
	}
	if !isArray {
		many = []inclusionCase{one}
	}
	for i, c := range many {
		if err := checkInclusion(c); err != nil {
			return fmt.Errorf("case %d (index %d, tree size %d): %v", i, c.Index, c.TreeSize, err)
		}
	}
	return nil
}

func checkInclusion(c inclusionCase) error {
	if c.Index < 0 || c.Index >= c.TreeSize || c.TreeSize > int64(len(c.LeafHashes)) {
		return fmt.Errorf("want 0 <= index < tree_size <= %d leaf hashes", len(c.LeafHashes))
	}
	t, err := newTree(c.LeafHashes)
	if err != nil {
		return err
	}
	th, err := t.treeHash(c.TreeSize)
	if err != nil {
		return err
	}
	proof, err := tlog.ProveRecord(c.TreeSize, c.Index, t)
	if err != nil {
		return fmt.Errorf("tlog.ProveRecord: %v", err)
	}
	line, _ := json.Marshal(map[string]interface{}{"index": c.Index, "tree_size": c.TreeSize, "root": th, "audit_path": []tlog.Hash(proof)})
	fmt.Println(string(line))
	if err := tlog.CheckRecord(tlog.RecordProof(c.AuditPath), c.TreeSize, th, c.Index, c.LeafHashes[c.Index]); err != nil {
		return fmt.Errorf("tlog.CheckRecord refuses the audit path: %v", err)
	}
	if !equal(c.AuditPath, proof) {
		return fmt.Errorf("the audit path %v is not tlog.ProveRecord's %v", c.AuditPath, []tlog.Hash(proof))
	}
	return nil
}

type consistencyCase struct {
	LeafHashes  []tlog.Hash `json:"leaf_hashes"`
	First       int64       `json:"first"`
	Second      int64       `json:"second"`
	Consistency []tlog.Hash `json:"consistency"`
}

func consistency() error {
	var one consistencyCase
	var many []consistencyCase
	isArray, err := readCases(&one, &many)
	if err != nil {
		return err
	}
	if !isArray {
		many = []consistencyCase{one}
	}
	for i, c := range many {
		if err := checkConsistency(c); err != nil {
			return fmt.Errorf("case %d (first %d, second %d): %v", i, c.First, c.Second, err)
		}
	}
	return nil
}

func checkConsistency(c consistencyCase) error {
	if c.First < 1 || c.First > c.Second || c.Second > int64(len(c.LeafHashes)) {
		return fmt.Errorf("want 1 <= first <= second <= %d leaf hashes", len(c.LeafHashes))
	}
	t, err := newTree(c.LeafHashes)
	if err != nil {
		return err
	}
	h, err := t.treeHash(c.First)
	if err != nil {
		return err
	}
	th, err := t.treeHash(c.Second)
	if err != nil {
		return err
	}
	proof, err := tlog.ProveTree(c.Second, c.First, t)
	if err != nil {
		return fmt.Errorf("tlog.ProveTree: %v", err)
	}
	line, _ := json.Marshal(map[string]interface{}{"first": c.First, "second": c.Second, "first_root": h, "second_root": th, "consistency": []tlog.Hash(proof)})
	fmt.Println(string(line))
	if err := tlog.CheckTree(tlog.TreeProof(c.Consistency), c.Second, th, c.First, h); err != nil {
		return fmt.Errorf("tlog.CheckTree refuses the proof: %v", err)
	}
	if !equal(c.Consistency, proof) {
		return fmt.Errorf("the proof %v is not tlog.ProveTree's %v", c.Consistency, []tlog.Hash(proof))
	}
	return nil
}

func equal(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
