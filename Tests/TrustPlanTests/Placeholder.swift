import Testing

// Placeholder until this target's issue lands.
@Test func placeholderTrustPlanTests() {}
