#pragma once

#include <Poco/Version.h>

#include <string>

/// What a C++ object crossing the host <-> module boundary depends on: the compiler's C++ ABI,
/// the standard library and its dual ABI (std::string, std::list), Poco's version (the classes
/// of Poco::ClassLoader and Poco::JSON), and the rules of this library's own classes that cross
/// (`classes`: 2 since an ActionResult may carry an output the module shares). A module reports
/// the tag it was built with; a C++ host refuses one whose tag is not its own (see PluginLoader).
/// Hosts in other languages, or built another way, use the C interface (falcon_plugin.h), which
/// depends on none of this.
#define FALCON_PLUGIN_STRINGIFY_(x) #x
#define FALCON_PLUGIN_STRINGIFY(x) FALCON_PLUGIN_STRINGIFY_(x)

#if defined(_LIBCPP_VERSION)
#define FALCON_PLUGIN_STDLIB "libc++"
#elif defined(_GLIBCXX_USE_CXX11_ABI)
#define FALCON_PLUGIN_STDLIB "libstdc++ cxx11-abi=" FALCON_PLUGIN_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define FALCON_PLUGIN_STDLIB "unknown"
#endif

#ifndef FALCON_PLUGIN_CXX_ABI_TAG
#define FALCON_PLUGIN_CXX_ABI_TAG \
	"c++abi=" FALCON_PLUGIN_STRINGIFY(__GXX_ABI_VERSION) " " FALCON_PLUGIN_STDLIB \
														 " poco=" FALCON_PLUGIN_STRINGIFY(POCO_VERSION) " classes=2"
#endif

/// The tag the module was built with (exported with C linkage, so a loader reads it without
/// touching any C++ object of the module).
extern "C" __attribute__((visibility("default"))) const char* falcon_plugin_cxx_abi(void);

namespace Falcon {
namespace Plugin {

constexpr const char* CXX_ABI_SYMBOL = "falcon_plugin_cxx_abi";

}
} // namespace Falcon::Plugin
