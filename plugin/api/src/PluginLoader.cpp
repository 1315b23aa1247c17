#include "falcon/plugin/PluginLoader.h"

#include "falcon/plugin/falcon_plugin.h"

#include <Poco/ClassLoader.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/SharedLibrary.h>

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

namespace Falcon {
namespace Plugin {

POCO_IMPLEMENT_EXCEPTION(PluginLoadException, Poco::RuntimeException, "Cannot load plugin")

namespace {

/// The text of member `name` of the JSON object `json`, as written, or "" when there is none:
/// the value's extent is found (strings and nesting followed), nothing is parsed.
std::string memberText(const std::string& json, const std::string& name)
{
	const std::size_t size = json.size();
	std::size_t i = 0;
	auto skipSpace = [&] {
		while (i < size && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
	};
	auto skipString = [&] {
		for (++i; i < size && json[i] != '"'; ++i)
		{
			if (json[i] == '\\') ++i;
		}
		++i;
	};
	auto skipValue = [&] {
		if (i < size && json[i] == '"') return skipString();
		int depth = 0;
		while (i < size)
		{
			const char c = json[i];
			if (c == '"')
			{
				skipString();
				continue;
			}
			if (c == '{' || c == '[') ++depth;
			if (c == '}' || c == ']')
			{
				if (depth == 0) return;
				--depth;
			}
			if (c == ',' && depth == 0) return;
			++i;
			if (depth == 0 && (c == '}' || c == ']')) return;
		}
	};
	skipSpace();
	if (i >= size || json[i] != '{') return {};
	++i;
	while (i < size)
	{
		skipSpace();
		if (i >= size || json[i] != '"') return {};
		const std::size_t keyStart = i + 1;
		skipString();
		const std::string key = json.substr(keyStart, i - 1 - keyStart);
		skipSpace();
		if (i >= size || json[i] != ':') return {};
		++i;
		skipSpace();
		const std::size_t valueStart = i;
		skipValue();
		if (key == name) return json.substr(valueStart, i - valueStart);
		skipSpace();
		if (i >= size || json[i] != ',') return {};
		++i;
	}
	return {};
}

/// A module mapped only to read its plain C symbols, unmapped again when this goes.
class ModuleSymbols
{
public:
	explicit ModuleSymbols(const std::string& path): _path(path)
	{
		if (!Poco::File(path).exists()) throw PluginLoadException("no such file: " + path);
		PluginLoader::checkTrusted(path);
		try
		{
			_library.load(path);
		}
		catch (const Poco::Exception& e)
		{
			throw PluginLoadException(path + " is not a loadable module: " + e.message());
		}
	}

	~ModuleSymbols() { _library.unload(); }

	template <class Function>
	Function find(const std::string& name) const
	{
		return _library.hasSymbol(name) ? reinterpret_cast<Function>(_library.getSymbol(name)) : nullptr;
	}

	int apiVersion() const
	{
		const auto version = find<int (*)()>(API_VERSION_SYMBOL);
		if (!version)
			throw PluginLoadException(
				_path + " is not a Falcon plugin (it has no " + std::string(API_VERSION_SYMBOL) + " symbol)");
		return version();
	}

	std::string cxxAbi() const
	{
		const auto tag = find<const char* (*)()>(CXX_ABI_SYMBOL);
		const char* text = tag ? tag() : nullptr;
		return text ? text : "";
	}

	/// The description's text (falcon_plugin_describe).
	std::string descriptionText() const
	{
		const auto describe = find<char* (*)()>("falcon_plugin_describe");
		const auto release = find<void (*)(char*)>("falcon_plugin_free");
		if (!describe || !release) throw PluginLoadException("no falcon_plugin_describe/falcon_plugin_free");
		char* text = describe();
		const std::string json = text ? text : "";
		release(text);
		return json;
	}

private:
	std::string _path;
	mutable Poco::SharedLibrary _library;
};

} // namespace

class PluginLoader::Impl
{
public:
	std::string hostCxxAbi;
	Poco::ClassLoader<Action> classLoader;
	std::vector<std::unique_ptr<Action>> actions;
	Poco::JSON::Object::Ptr description;
	std::string connectionSchemaText;
	std::string path;
};

PluginLoader::PluginLoader(std::string hostCxxAbi): _impl(std::make_unique<Impl>())
{
	_impl->hostCxxAbi = std::move(hostCxxAbi);
}

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
	return ModuleSymbols(path).apiVersion();
}

/// Loading a module runs its code in this process: one that someone other than its owner could
/// have written is refused.
void PluginLoader::checkTrusted(const std::string& path)
{
	struct stat module = {};
	if (::stat(path.c_str(), &module) != 0) throw PluginLoadException("no such file: " + path);
	if (module.st_uid != ::geteuid() && module.st_uid != 0)
		throw PluginLoadException(
			path + " belongs to another user (uid " + std::to_string(module.st_uid) + "); refusing to load it");
	if (module.st_mode & (S_IWGRP | S_IWOTH))
		throw PluginLoadException(path + " is writable by group or others; refusing to load it (chmod go-w)");
	struct stat directory = {};
	const std::string parent = Poco::Path(Poco::Path(path).absolute()).parent().toString();
	if (::stat(parent.c_str(), &directory) != 0) throw PluginLoadException("cannot look at " + parent);
	if ((directory.st_mode & (S_IWGRP | S_IWOTH)) && !(directory.st_mode & S_ISVTX))
		throw PluginLoadException(path + " is in a directory writable by group or others; refusing to load it");
}

std::string PluginLoader::cxxAbiOf(const std::string& path)
{
	return ModuleSymbols(path).cxxAbi();
}

void PluginLoader::load(const std::string& path)
{
	if (loaded()) throw PluginLoadException("a module is already loaded: " + _impl->path);
	// Mapped once: the symbols are read, the classes loaded and the description taken from the same
	// mapping (unmapping between them would unload and reload every library the module needs).
	const ModuleSymbols module(path);
	{
		const int version = module.apiVersion();
		if (version != FALCON_PLUGIN_API_VERSION)
		{
			throw PluginLoadException(path + " implements plugin API version " + std::to_string(version)
				+ ", but this host speaks version " + std::to_string(FALCON_PLUGIN_API_VERSION)
				+ "; use a module built for this host");
		}
		const std::string moduleAbi = module.cxxAbi();
		if (moduleAbi != _impl->hostCxxAbi)
		{
			throw PluginLoadException(path + " was built with another C++ toolchain ("
				+ (moduleAbi.empty() ? "it reports none" : moduleAbi) + "; this host: " + _impl->hostCxxAbi
				+ "); its C++ objects cannot be shared with this host. Rebuild it with the host's toolchain, or call "
				  "it through its C interface (falcon_plugin.h)");
		}
	}
	try
	{
		_impl->classLoader.loadLibrary(path);
	}
	catch (const Poco::Exception& e)
	{
		throw PluginLoadException(path + ": " + e.message());
	}
	_impl->path = path;
	const auto* manifest = _impl->classLoader.findManifest(path);
	if (!manifest)
	{
		unload();
		throw PluginLoadException(path + " has no manifest of Falcon actions");
	}
	for (const auto* meta : *manifest) _impl->actions.emplace_back(meta->create());
	try
	{
		const std::string text = module.descriptionText();
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		_impl->description = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
		_impl->connectionSchemaText = memberText(text, "connection_schema");
		if (_impl->connectionSchemaText.empty())
		{
			// A description written otherwise: the schema's text as Poco writes it.
			std::ostringstream written;
			if (const auto schema = _impl->description->getObject("connection_schema")) schema->stringify(written);
			_impl->connectionSchemaText = written.str();
		}
	}
	catch (const Poco::Exception& e)
	{
		unload();
		throw PluginLoadException(path + " cannot describe itself: " + e.message());
	}
}

void PluginLoader::unload()
{
	if (!loaded()) return;
	_impl->actions.clear();
	_impl->description = nullptr;
	_impl->connectionSchemaText.clear();
	_impl->classLoader.unloadLibrary(_impl->path);
	_impl->path.clear();
}

bool PluginLoader::loaded() const
{
	return !_impl->path.empty();
}

const std::string& PluginLoader::path() const
{
	return _impl->path;
}

const std::vector<std::unique_ptr<Action>>& PluginLoader::actions() const
{
	return _impl->actions;
}

const std::string& PluginLoader::connectionSchemaText() const
{
	return _impl->connectionSchemaText;
}

const Poco::JSON::Object::Ptr& PluginLoader::description() const
{
	return _impl->description;
}

const Action* PluginLoader::find(const std::string& name) const
{
	for (const auto& action : _impl->actions)
	{
		if (action->answersTo(name)) return action.get();
	}
	return nullptr;
}

}
} // namespace Falcon::Plugin
