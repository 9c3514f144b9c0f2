#!/usr/bin/perl
# Writes a small MaxMind DB country database for the abuse tests, with MaxMind's own writer
# (libmaxmind-db-writer-perl): each argument after the output file is NETWORK=CC, e.g.
#   write_country_mmdb.pl countries.mmdb 198.51.100.0/24=DE 203.0.113.0/24=FR 2001:db8::/32=NL
# The records have the shape of GeoLite2-Country's: {country => {iso_code => "DE"}}.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, @networks) = @ARGV;
die "usage: $0 OUT.mmdb NETWORK=CC...\n" unless $out && @networks;
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version            => 6,
  record_size           => 24,
  database_type         => 'OpenSSAD-Test-Country',
  languages             => ['en'],
  description           => { en => 'Countries of test networks for the OpenSSAD abuse tests' },
  map_key_type_callback => sub { { country => 'map', iso_code => 'utf8_string' }->{ $_[0] } },
  alias_ipv6_to_ipv4    => 1,
  # The test networks are documentation ranges, which the writer leaves out unless told not to.
  remove_reserved_networks => 0,
);
for my $entry (@networks) {
  my ($network, $code) = split /=/, $entry, 2;
  die "bad entry $entry\n" unless $network && $code && $code =~ /^[A-Z]{2}$/;
  $tree->insert_network($network, { country => { iso_code => $code } });
}
open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $out: $!\n";
