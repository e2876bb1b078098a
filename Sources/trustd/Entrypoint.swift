import TrustDaemon

@main
enum Entrypoint {
    static func main() async {
        await TrustDaemonCommand.main()
    }
}
