#include "HostConfiguration.h"

#include "BoundedRead.h"
#include "HostError.h"
#include "IniSection.h"
#include "JsonText.h"
#include "UrlPassword.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/Environment.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace Falcon {
namespace Host {

namespace {

/// Refuses a file others can read: a secret in it would not be one.
void requirePrivate(const std::string& path, const std::string& what)
{
	struct stat info
	{
	};
	if (::stat(path.c_str(), &info) != 0) throw HostError(what + " " + path + ": no such file");
	if (info.st_mode & 077)
	{
		char mode[8];
		std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
		throw HostError(what + " " + path + " is readable by group or others (mode " + mode + "); run chmod 600 " + path
			+ " first");
	}
}

} // namespace

HostConfiguration::HostConfiguration(ConnectionFields fields): _fields(std::move(fields))
{
}

const char* HostConfiguration::layerName(Layer layer)
{
	switch (layer)
	{
	case Layer::Default: return "default";
	case Layer::HostDefault: return "falcon-host default";
	case Layer::File: return "config file";
	case Layer::Environment: return "environment";
	case Layer::Flag: return "flag";
	case Layer::SecretFile: return "secret file";
	case Layer::Stdin: return "stdin";
	}
	return "?";
}

void HostConfiguration::set(const std::string& field, const std::string& value, Layer layer)
{
	_values[field] = Value{value, {}, layer};
}

void HostConfiguration::setHostDefault(const std::string& field, const std::string& value)
{
	if (_fields.find(field)) set(field, value, Layer::HostDefault);
}

void HostConfiguration::loadFile(const std::string& path)
{
	const std::string what = "--config " + path;
	const std::string text = readRegularFile(path, MAX_DOCUMENT_BYTES, what);
	const bool json = Poco::icompare(Poco::Path(path).getExtension(), "json") == 0;
	std::map<std::string, Value> settings;
	if (json)
	{
		// Values keep their JSON types, so that the schema checks them as it checks any input:
		// "verify_tls": "no" is a string where a boolean belongs, not a false.
		const Poco::JSON::Object::Ptr root = parseJsonObject(text, what);
		const Poco::JSON::Object::Ptr falcon = root ? root->getObject("falcon") : nullptr;
		if (!falcon) throw HostError(what + ": expected a JSON object with a \"falcon\" object of settings");
		for (const auto& entry : *falcon)
		{
			if (entry.second.isEmpty())
				throw HostError(
					what + ": falcon." + entry.first + " is null: give a value, or leave the key out for the default");
			settings[entry.first] =
				Value{entry.second.isString() ? entry.second.toString() : std::string(), entry.second, Layer::File};
		}
	}
	else
	{
		const auto section = iniSection(text, "falcon");
		if (section.empty()) throw HostError(what + ": no settings in a [falcon] section");
		for (const auto& [key, value] : section) settings[key] = Value{value, {}, Layer::File};
	}
	for (const auto& setting : settings)
	{
		if (!_fields.find(setting.first)) throw HostError(what + ": unknown setting falcon." + setting.first);
		if (_fields.carriesSecret(setting.first, setting.second.typed)) requirePrivate(path, "--config");
	}
	for (auto& setting : settings) _values[setting.first] = std::move(setting.second);
}

void HostConfiguration::loadEnvironment()
{
	// HTTPS_PROXY is not copied into the connection: the plugin reads it, with NO_PROXY, per
	// origin. It is only shown by `config`.
	for (const auto& field : _fields.all())
	{
		const std::string value = Poco::Environment::get(field.environmentVariable, "");
		if (!value.empty()) set(field.name, value, Layer::Environment);
	}
	for (const char* variable : {"https_proxy", "HTTPS_PROXY"})
	{
		const std::string value = Poco::Environment::get(variable, "");
		if (!value.empty()) _environmentProxy = value;
	}
}

void HostConfiguration::setFlag(const std::string& field, const std::string& value)
{
	if (field == "client_secret")
		throw HostError("--client-secret is refused: a secret on the command line is visible to every user of this "
						"machine (ps, shell history). "
						"Use FALCON_CLIENT_SECRET, --client-secret-file FILE or --client-secret-stdin");
	if (field == "proxy" && value.find('@') != std::string::npos)
		throw HostError("--proxy with credentials is refused: they would be visible to every user of this machine. "
						"Use HTTPS_PROXY or a private --config file");
	set(field, value, Layer::Flag);
}

void HostConfiguration::loadSecretFile(const std::string& path)
{
	// Until it is known to be a file, the path is not repeated: it may be the secret itself.
	std::istringstream in(readRegularFile(path, MAX_SECRET_BYTES, "--client-secret-file"));
	const std::string what = "--client-secret-file " + path;
	requirePrivate(path, "--client-secret-file");
	const std::string secret = readLine(in, MAX_SECRET_BYTES, what);
	if (secret.empty()) throw HostError(what + ": the first line is empty");
	set("client_secret", secret, Layer::SecretFile);
}

void HostConfiguration::loadSecretFromStdin()
{
	const std::string secret = readLine(std::cin, MAX_SECRET_BYTES, "--client-secret-stdin");
	if (secret.empty()) throw HostError("--client-secret-stdin: no secret on standard input");
	set("client_secret", secret, Layer::Stdin);
}

Poco::JSON::Object::Ptr HostConfiguration::connection() const
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& field : _fields.all())
	{
		const auto it = _values.find(field.name);
		if (it == _values.end()) continue;
		// A JSON config file's value keeps its type; text (INI, environment, flags) gets the schema's.
		connection->set(field.name,
			it->second.typed.isEmpty() ? ConnectionFields::typed(field, it->second.text) : it->second.typed);
	}
	return connection;
}

std::string HostConfiguration::shown(const std::string& field, const std::string& text) const
{
	// A URL that is not a secret (a token store's) may still carry one: its password.
	if (!_fields.isSecret(field)) return withUrlPasswordMasked(text);
	if (field != "proxy") return "***";
	// A proxy is worth seeing; only its password is a secret.
	try
	{
		Poco::URI uri(text);
		const std::string userInfo = uri.getUserInfo();
		const auto colon = userInfo.find(':');
		if (colon != std::string::npos) uri.setUserInfo(userInfo.substr(0, colon) + ":***");
		return uri.toString();
	}
	catch (const Poco::Exception&)
	{
		return "***";
	}
}

Poco::Dynamic::Var HostConfiguration::shownObject(const std::string& field, const Poco::Dynamic::Var& value) const
{
	const Poco::Dynamic::Var masked = _fields.withMembersMasked(field, value);
	const Poco::JSON::Object::Ptr object = Plugin::Json::asObject(masked);
	if (!object) return masked;
	Poco::JSON::Object::Ptr shown = new Poco::JSON::Object(*object);
	for (const auto& member : *object)
	{
		if (member.second.isString()) shown->set(member.first, withUrlPasswordMasked(member.second.toString()));
	}
	return shown;
}

Poco::JSON::Object::Ptr HostConfiguration::describe(const Poco::JSON::Object::Ptr& connectionSchema) const
{
	Poco::JSON::Object::Ptr settings = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	const Poco::JSON::Object::Ptr properties = connectionSchema ? connectionSchema->getObject("properties") : nullptr;
	for (const auto& known : _fields.all())
	{
		const std::string& field = known.name;
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		const auto it = _values.find(field);
		const Poco::JSON::Object::Ptr property = properties ? properties->getObject(field) : nullptr;
		if (it != _values.end())
		{
			const Value& value = it->second;
			if (value.typed.isEmpty() || value.typed.isString()) entry->set("value", shown(field, value.text));
			else entry->set("value", shownObject(field, value.typed));
			entry->set("from", std::string(layerName(value.layer)));
		}
		else if (field == "proxy" && !_environmentProxy.empty())
		{
			entry->set("value", shown(field, _environmentProxy));
			entry->set("from", std::string("environment (HTTPS_PROXY, unless NO_PROXY matches the host)"));
		}
		else if (property && property->has("default"))
		{
			entry->set("value", property->get("default"));
			entry->set("from", std::string(layerName(Layer::Default)));
		}
		else
		{
			continue;
		}
		settings->set(field, entry);
	}
	return settings;
}

}
} // namespace Falcon::Host
