import TrustCLI

@main
enum Entrypoint {
    static func main() {
        TrustCtl.start()
    }
}
