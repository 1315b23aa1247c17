#include "HostConfiguration.h"

#include "HostError.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/JSONConfiguration.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace Falcon {
namespace Host {

namespace {

const std::vector<std::string> NUMBERS{"connect_timeout_s", "read_timeout_s", "call_timeout_s"};
const std::vector<std::string> INTEGERS{"renewal_window_s", "max_retries", "max_response_bytes"};

bool contains(const std::vector<std::string>& list, const std::string& value)
{
	return std::find(list.begin(), list.end(), value) != list.end();
}

/// Refuses a file others can read: a secret in it would not be one.
void requirePrivate(const std::string& path, const std::string& what)
{
	struct stat info{};
	if (::stat(path.c_str(), &info) != 0) throw HostError(what + " " + path + ": no such file");
	if (info.st_mode & 077)
	{
		char mode[8];
		std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
		throw HostError(what + " " + path + " is readable by group or others (mode " + mode + "); run chmod 600 " + path + " first");
	}
}

} // namespace

const std::vector<std::string>& HostConfiguration::fields()
{
	static const std::vector<std::string> names{"cloud", "base_url", "client_id", "client_secret", "member_cid", "proxy", "ca_bundle",
		"verify_tls", "connect_timeout_s", "read_timeout_s", "call_timeout_s", "renewal_window_s", "max_retries", "user_agent",
		"max_response_bytes"};
	return names;
}

bool HostConfiguration::isSecretField(const std::string& field)
{
	return field == "client_secret" || field == "proxy";
}

const char* HostConfiguration::layerName(Layer layer)
{
	switch (layer)
	{
	case Layer::Default: return "default";
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
	_values[field] = Value{value, layer};
}

void HostConfiguration::loadFile(const std::string& path)
{
	if (!Poco::File(path).exists()) throw HostError("--config " + path + ": no such file");
	Poco::AutoPtr<Poco::Util::AbstractConfiguration> file;
	try
	{
		const bool json = Poco::toLower(path).size() >= 5 && Poco::toLower(path).compare(path.size() - 5, 5, ".json") == 0;
		if (json)
			file = new Poco::Util::JSONConfiguration(path);
		else
			file = new Poco::Util::IniFileConfiguration(path);
	}
	catch (const Poco::Exception& e)
	{
		throw HostError("--config " + path + ": cannot be read: " + e.message());
	}
	Poco::Util::AbstractConfiguration::Keys keys;
	file->keys("falcon", keys);
	for (const auto& key : keys)
	{
		if (!contains(fields(), key)) throw HostError("--config " + path + ": unknown setting falcon." + key);
		if (isSecretField(key)) requirePrivate(path, "--config");
		set(key, file->getString("falcon." + key), Layer::File);
	}
}

void HostConfiguration::loadEnvironment()
{
	const std::pair<const char*, const char*> variables[] = {
		{"FALCON_CLIENT_ID", "client_id"}, {"FALCON_CLIENT_SECRET", "client_secret"}, {"FALCON_MEMBER_CID", "member_cid"},
		{"FALCON_CLOUD", "cloud"}, {"FALCON_BASE_URL", "base_url"}, {"FALCON_CA_BUNDLE", "ca_bundle"},
		{"https_proxy", "proxy"}, {"HTTPS_PROXY", "proxy"}};
	for (const auto& variable : variables)
	{
		const std::string value = Poco::Environment::get(variable.first, "");
		if (!value.empty()) set(variable.second, value, Layer::Environment);
	}
}

void HostConfiguration::setFlag(const std::string& field, const std::string& value)
{
	if (field == "client_secret")
		throw HostError("--client-secret is refused: a secret on the command line is visible to every user of this machine (ps, shell history). "
			"Use FALCON_CLIENT_SECRET, --client-secret-file FILE or --client-secret-stdin");
	if (field == "proxy" && value.find('@') != std::string::npos)
		throw HostError("--proxy with credentials is refused: they would be visible to every user of this machine. "
			"Use HTTPS_PROXY or a private --config file");
	set(field, value, Layer::Flag);
}

void HostConfiguration::loadSecretFile(const std::string& path)
{
	requirePrivate(path, "--client-secret-file");
	std::ifstream in(path);
	std::string secret;
	std::getline(in, secret);
	if (!secret.empty() && secret.back() == '\r') secret.pop_back();
	if (secret.empty()) throw HostError("--client-secret-file " + path + ": the file is empty");
	set("client_secret", secret, Layer::SecretFile);
}

void HostConfiguration::loadSecretFromStdin()
{
	std::string secret;
	std::getline(std::cin, secret);
	if (!secret.empty() && secret.back() == '\r') secret.pop_back();
	if (secret.empty()) throw HostError("--client-secret-stdin: no secret on standard input");
	set("client_secret", secret, Layer::Stdin);
}

Poco::JSON::Object::Ptr HostConfiguration::connection() const
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& field : fields())
	{
		const auto it = _values.find(field);
		if (it == _values.end()) continue;
		const std::string& text = it->second.text;
		// Typed where the schema wants numbers or booleans; a text that is neither stays text,
		// so that the schema names the field and the rule it breaks.
		double number = 0;
		bool flag = false;
		if (contains(NUMBERS, field) && Poco::NumberParser::tryParseFloat(text, number))
			connection->set(field, number);
		else if (contains(INTEGERS, field) && Poco::NumberParser::tryParseFloat(text, number) && number == static_cast<double>(static_cast<long long>(number)))
			connection->set(field, static_cast<Poco::Int64>(number));
		else if (field == "verify_tls" && Poco::NumberParser::tryParseBool(text, flag))
			connection->set(field, flag);
		else
			connection->set(field, text);
	}
	return connection;
}

Poco::JSON::Object::Ptr HostConfiguration::describe() const
{
	Poco::JSON::Object::Ptr settings = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& field : fields())
	{
		const auto it = _values.find(field);
		if (it == _values.end()) continue;
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		entry->set("value", isSecretField(field) ? std::string("***") : it->second.text);
		entry->set("from", std::string(layerName(it->second.layer)));
		settings->set(field, entry);
	}
	return settings;
}

} } // namespace Falcon::Host
