#pragma once

#include "falcon/plugin/Action.h"
#include "falcon/plugin/CxxAbi.h"
#include "falcon/plugin/Export.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Plugin {

/// Thrown when a module is not a Falcon plugin, speaks another version of this contract, or was
/// built with a C++ toolchain whose objects this host cannot share.
POCO_DECLARE_EXCEPTION(FALCON_PLUGIN_EXPORT, PluginLoadException, Poco::RuntimeException)

/// Loads one plugin module the way a C++ host should: first the plain symbols — the API version
/// against FALCON_PLUGIN_API_VERSION, then the module's C++ ABI tag against the host's own — and
/// only then the module's classes, with Poco::ClassLoader. A mismatch of either is refused before
/// any C++ object crosses the boundary. One loader per module: two copies load side by side.
///
/// Results and actions must be released before unload(): their code lives in the module.
class FALCON_PLUGIN_EXPORT PluginLoader
{
public:
	/// `hostCxxAbi` is the host's own tag: the default argument is expanded where the host
	/// constructs the loader, so it describes the host's build, not this library's.
	explicit PluginLoader(std::string hostCxxAbi = FALCON_PLUGIN_CXX_ABI_TAG);
	~PluginLoader();

	PluginLoader(const PluginLoader&) = delete;
	PluginLoader& operator=(const PluginLoader&) = delete;

	/// Throws PluginLoadException with a message saying what is wrong (no such file, not a
	/// plugin, wrong API version, another C++ toolchain, ...).
	void load(const std::string& path);
	void unload();
	bool loaded() const;
	const std::string& path() const;

	/// The module's actions, in manifest order, created on load.
	const std::vector<std::unique_ptr<Action>>& actions() const;

	/// By operation ID or PEP8 alias; null when the module has no such action.
	const Action* find(const std::string& name) const;

	/// The module's own description through its C interface (falcon_plugin_describe): "plugin"
	/// (plugin.json), "connection_schema" and "actions". Read once, on load.
	const Poco::JSON::Object::Ptr& description() const;

	/// The connection schema's text as the module wrote it in its description: a host that
	/// checks connections with SchemaValidator::shared and this text shares the module's own
	/// compilation of it (the module compiles the same text).
	const std::string& connectionSchemaText() const;

	/// The API version a module file implements, read through its plain symbol without loading
	/// its classes; throws PluginLoadException when the symbol is missing.
	static int apiVersionOf(const std::string& path);

	/// The C++ ABI tag a module was built with ("" when it reports none: a module older than
	/// the tag, or one meant for C hosts only).
	static std::string cxxAbiOf(const std::string& path);

	/// Throws PluginLoadException unless the code at `path` is safe to load: it belongs to this
	/// user or root and is writable by neither group nor others, and its directory is not
	/// writable by others unless it is sticky. Checked by load(), and by a module before it loads
	/// code of its own.
	static void checkTrusted(const std::string& path);

private:
	class Impl;
	std::unique_ptr<Impl> _impl;
};

}
} // namespace Falcon::Plugin
