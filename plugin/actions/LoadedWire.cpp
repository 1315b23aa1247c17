// The plugin module's wire(): the wire module, loaded the first time a session sends something.

#include "falcon/oauth2/Version.h"
#include "falcon/oauth2/Wire.h"
#include "falcon/plugin/PluginLoader.h"

#include <dlfcn.h>
#include <limits.h>

#include <mutex>
#include <string>

namespace Falcon {
namespace OAuth2 {

namespace {

/// The wire module's path: FALCON_WIRE_MODULE in the directory this module was loaded from. The
/// loader noted that directory as an absolute path when it loaded this module (its origin), so a
/// host that changed directory since, or loaded us by a relative path, still finds it.
std::string wireModulePath()
{
	Dl_info self{};
	if (!::dladdr(reinterpret_cast<const void*>(&wireModulePath), &self) || !self.dli_fname) return FALCON_WIRE_MODULE;
	void* handle = ::dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD); // this module, already loaded
	char origin[PATH_MAX] = "";
	const bool found = handle && ::dlinfo(handle, RTLD_DI_ORIGIN, origin) == 0;
	if (handle) ::dlclose(handle);
	return found ? std::string(origin) + "/" + FALCON_WIRE_MODULE : FALCON_WIRE_MODULE;
}

/// Loads the wire module once per process; a failure is said, and tried again by the next call.
/// The module is never unloaded: the sessions' transports and connections live in it.
const Wire& loaded()
{
	static std::mutex mutex;
	static const Wire* wire = nullptr;
	std::lock_guard<std::mutex> lock(mutex);
	if (wire) return *wire;
	const std::string path = wireModulePath();
	auto failed = [](const std::string& why) {
		return TransportError(ErrorKind::Network,
			"cannot load the plugin's network module: " + why
				+ " (it is installed with the plugin module, which loads it to send requests)",
			true, true);
	};
	try
	{
		Plugin::PluginLoader::checkTrusted(path); // held to the rules the module itself was loaded by
	}
	catch (const Poco::Exception& e)
	{
		throw failed(e.message());
	}
	void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!handle)
	{
		const char* error = ::dlerror(); // names the path
		throw failed(error ? error : path + ": dlopen failed");
	}
	using Entry = const Wire* (*)();
	const auto entry = reinterpret_cast<Entry>(::dlsym(handle, "falcon_oauth2_wire"));
	if (!entry) throw failed(path + " has no falcon_oauth2_wire entry point");
	const Wire* found = entry();
	if (std::string(found->product) != FALCON_OAUTH2_PRODUCT)
		throw failed(path + " is " + found->product + ", this module " + FALCON_OAUTH2_PRODUCT);
	wire = found;
	return *wire;
}

std::unique_ptr<Transport> loadedTransport(const TransportSettings& settings, Poco::Logger& logger, Redactor& redactor)
{
	return loaded().transport(settings, logger, redactor);
}

std::shared_ptr<RedisConnection> loadedRedis(const RedisAddress& address, const std::string& password,
	std::chrono::milliseconds timeout, std::size_t maxReplyBytes)
{
	return loaded().redis(address, password, timeout, maxReplyBytes);
}

} // namespace

const Wire& wire()
{
	static const Wire onFirstUse{FALCON_OAUTH2_PRODUCT, loadedTransport, loadedRedis};
	return onFirstUse;
}

}
} // namespace Falcon::OAuth2
