// GCC 13's libstdc++ exports std::ios_base_library_init() (version GLIBCXX_3.4.32) and libLibTorchSharp.so
// asks for it. GCC 12's libstdc++ (Debian 12) initialises iostreams by itself, so a no-op is a faithful
// stand-in. See ../shared/docs/platform.md, "TorchSharp on Debian 12".
namespace std {
void ios_base_library_init() {}
}
