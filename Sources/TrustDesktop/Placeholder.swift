// TrustDesktop — placeholder until its issue lands.
enum _TrustDesktopPlaceholder {}
