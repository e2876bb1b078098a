// TrustReport — placeholder until its issue lands.
enum _TrustReportPlaceholder {}
