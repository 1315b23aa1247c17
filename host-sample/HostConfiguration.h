#pragma once

#include "ConnectionFields.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace Falcon {
namespace Host {

/// The connection, layered once: built-in defaults < config file < environment < flags.
/// Secrets are only taken from the environment, a private file or stdin, never from argv.
class HostConfiguration
{
public:
	/// Where a value came from, for `falcon-host config`.
	enum class Layer
	{
		Default,
		HostDefault,
		File,
		Environment,
		Flag,
		SecretFile,
		Stdin
	};

	/// The layers may set the fields of the plugin's connection schema, and nothing else.
	explicit HostConfiguration(ConnectionFields fields = ConnectionFields());

	const ConnectionFields& fields() const { return _fields; }

	/// falcon-host's own default for a field, over the schema's (the token cache: a file store, so
	/// that runs one after another share one token). Ignored for a field the schema lacks.
	void setHostDefault(const std::string& field, const std::string& value);

	/// Reads `[falcon]` keys of an INI file, or the `falcon` object of a JSON file (by suffix;
	/// its values keep their JSON types). A file holding a secret must not be readable by group
	/// or others. The whole file is checked before any of it is taken.
	void loadFile(const std::string& path);
	/// FALCON_<FIELD> for every field (FALCON_CLIENT_ID, FALCON_CALL_TIMEOUT_S, ...).
	/// HTTPS_PROXY (https_proxy) is left to the plugin, which honours NO_PROXY with it; it is
	/// only remembered for describe().
	void loadEnvironment();
	/// A flag value; refuses secrets, saying why and what to use instead.
	void setFlag(const std::string& field, const std::string& value);
	/// The client secret from a file that only its owner can read (trailing newline dropped).
	void loadSecretFile(const std::string& path);
	/// The client secret from the first line of stdin.
	void loadSecretFromStdin();

	/// The connection object, typed as the schema wants (numbers, booleans).
	Poco::JSON::Object::Ptr connection() const;

	/// Every value with its layer, the schema's defaults for the rest; secrets shown as "***"
	/// (of a proxy URL, only its password).
	Poco::JSON::Object::Ptr describe(const Poco::JSON::Object::Ptr& connectionSchema) const;

	static const char* layerName(Layer layer);

private:
	void set(const std::string& field, const std::string& value, Layer layer);
	std::string shown(const std::string& field, const std::string& text) const;
	/// An object value as `config` shows it: secret members as ***, URLs without their password.
	Poco::Dynamic::Var shownObject(const std::string& field, const Poco::Dynamic::Var& value) const;

	struct Value
	{
		std::string text;
		Poco::Dynamic::Var typed; ///< a JSON config file's value, as typed there
		Layer layer;
	};
	ConnectionFields _fields;
	std::map<std::string, Value> _values;
	std::string _environmentProxy;
};

}
} // namespace Falcon::Host
