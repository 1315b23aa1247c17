#include "falcon/plugin/PluginLoader.h"

#include "falcon/plugin/falcon_plugin.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SharedLibrary.h>

namespace Falcon {
namespace Plugin {

POCO_IMPLEMENT_EXCEPTION(PluginLoadException, Poco::RuntimeException, "Cannot load plugin")

PluginLoader::PluginLoader() = default;

PluginLoader::~PluginLoader()
{
	try
	{
		unload();
	}
	catch (...)
	{
		// A destructor must not throw; the module stays mapped, which is harmless at exit.
	}
}

int PluginLoader::apiVersionOf(const std::string& path)
{
	if (!Poco::File(path).exists()) throw PluginLoadException("no such file: " + path);
	Poco::SharedLibrary library;
	try
	{
		library.load(path);
	}
	catch (const Poco::Exception& e)
	{
		throw PluginLoadException(path + " is not a loadable module: " + e.message());
	}
	if (!library.hasSymbol(API_VERSION_SYMBOL))
	{
		library.unload();
		throw PluginLoadException(path + " is not a Falcon plugin (it has no " + std::string(API_VERSION_SYMBOL) + " symbol)");
	}
	using VersionFunction = int (*)();
	const int version = reinterpret_cast<VersionFunction>(library.getSymbol(API_VERSION_SYMBOL))();
	library.unload();
	return version;
}

void PluginLoader::load(const std::string& path)
{
	if (loaded()) throw PluginLoadException("a module is already loaded: " + _path);
	const int version = apiVersionOf(path);
	if (version != FALCON_PLUGIN_API_VERSION)
	{
		throw PluginLoadException(path + " implements plugin API version " + std::to_string(version) + ", but this host speaks version "
			+ std::to_string(FALCON_PLUGIN_API_VERSION) + "; use a module built for this host");
	}
	try
	{
		_classLoader.loadLibrary(path);
	}
	catch (const Poco::Exception& e)
	{
		throw PluginLoadException(path + ": " + e.message());
	}
	_path = path;
	const auto* manifest = _classLoader.findManifest(path);
	if (!manifest)
	{
		unload();
		throw PluginLoadException(path + " has no manifest of Falcon actions");
	}
	for (const auto* meta : *manifest) _actions.emplace_back(meta->create());
	try
	{
		_description = describe(path);
	}
	catch (const Poco::Exception& e)
	{
		unload();
		throw PluginLoadException(path + " cannot describe itself: " + e.message());
	}
}

Poco::JSON::Object::Ptr PluginLoader::describe(const std::string& path)
{
	// The module is mapped already (by the class loader); this only finds its C entry points.
	Poco::SharedLibrary library(path);
	using Describe = char* (*)();
	using Free = void (*)(char*);
	if (!library.hasSymbol("falcon_plugin_describe") || !library.hasSymbol("falcon_plugin_free"))
		throw PluginLoadException("no falcon_plugin_describe/falcon_plugin_free");
	const auto describe = reinterpret_cast<Describe>(library.getSymbol("falcon_plugin_describe"));
	const auto release = reinterpret_cast<Free>(library.getSymbol("falcon_plugin_free"));
	char* text = describe();
	std::string json = text ? text : "";
	release(text);
	library.unload();
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

void PluginLoader::unload()
{
	if (!loaded()) return;
	_actions.clear();
	_description = nullptr;
	_classLoader.unloadLibrary(_path);
	_path.clear();
}

const Action* PluginLoader::find(const std::string& name) const
{
	for (const auto& action : _actions)
	{
		if (action->answersTo(name)) return action.get();
	}
	return nullptr;
}

} } // namespace Falcon::Plugin
