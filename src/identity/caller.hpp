#pragma once
// Who is asking (DESIGN.md §3, "identity/ (who is asking: Caller)"). Every use case takes a Caller and
// the decision engine decides by it. Today every caller is anonymous: the identity issue adds the
// accredited user, its organisation, its accreditation and the purpose it asserts, and only this type
// and the decision engine need to learn them.

namespace ssad::identity {

class Caller {
 public:
  /// Someone who has not proved who they are: the public.
  [[nodiscard]] static Caller anonymous() { return Caller(); }

  [[nodiscard]] bool is_anonymous() const { return true; }

 private:
  Caller() = default;
};

}  // namespace ssad::identity
