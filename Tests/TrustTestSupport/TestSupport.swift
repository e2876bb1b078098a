import Foundation

// Helpers shared by the test targets (private buses, temporary directories, fixtures).
public enum TestSupport {}
