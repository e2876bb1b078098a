import TrustCLI

@main
enum Entrypoint {
    static func main() async {
        await TrustCtl.main()
    }
}
