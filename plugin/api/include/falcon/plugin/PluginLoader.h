#pragma once

#include "falcon/plugin/Action.h"
#include "falcon/plugin/Export.h"

#include <Poco/ClassLoader.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Plugin {

/// Thrown when a module is not a Falcon plugin, or speaks another version of this contract.
POCO_DECLARE_EXCEPTION(FALCON_PLUGIN_EXPORT, PluginLoadException, Poco::RuntimeException)

/// Loads one plugin module the way a host should: first the plain `falcon_plugin_api_version`
/// symbol is checked against FALCON_PLUGIN_API_VERSION (a mismatch is refused before any of the
/// module's classes is touched), then the module is loaded with Poco::ClassLoader and its
/// manifest read. One loader per module: two copies of a module load side by side in two loaders.
///
/// Results and actions must be released before unload(): their code lives in the module.
class FALCON_PLUGIN_EXPORT PluginLoader
{
public:
	PluginLoader();
	~PluginLoader();

	PluginLoader(const PluginLoader&) = delete;
	PluginLoader& operator=(const PluginLoader&) = delete;

	/// Throws PluginLoadException with a message saying what is wrong (no such file, not a
	/// plugin, wrong API version, ...).
	void load(const std::string& path);
	void unload();
	bool loaded() const { return !_path.empty(); }
	const std::string& path() const { return _path; }

	/// The module's actions, in manifest order, created on load.
	const std::vector<std::unique_ptr<Action>>& actions() const { return _actions; }

	/// By operation ID or PEP8 alias; null when the module has no such action.
	const Action* find(const std::string& name) const;

	/// The module's own description through its C interface (falcon_plugin_describe): "plugin"
	/// (plugin.json), "connection_schema" and "actions". Read once, on load.
	const Poco::JSON::Object::Ptr& description() const { return _description; }

	/// The API version a module file implements, read through its plain symbol without loading
	/// its classes; throws PluginLoadException when the symbol is missing.
	static int apiVersionOf(const std::string& path);

private:
	static Poco::JSON::Object::Ptr describe(const std::string& path);

	Poco::ClassLoader<Action> _classLoader;
	std::vector<std::unique_ptr<Action>> _actions;
	Poco::JSON::Object::Ptr _description;
	std::string _path;
};

} } // namespace Falcon::Plugin
