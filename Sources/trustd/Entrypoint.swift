@main
enum Entrypoint {
    static func main() {
        TrustDaemonCommand.prepareProcess()
        TrustDaemonCommand.main()
    }
}
