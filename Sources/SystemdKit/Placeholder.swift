// SystemdKit — placeholder until its issue lands.
enum _SystemdKitPlaceholder {}
