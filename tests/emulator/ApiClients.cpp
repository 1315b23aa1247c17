#include "ApiClients.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <algorithm>

namespace Falcon {
namespace Emulator {

bool ApiClient::allowsMember(const std::string& cid) const
{
	return std::any_of(memberCids.begin(), memberCids.end(),
		[&](const std::string& allowed) { return Poco::icompare(allowed, cid) == 0; });
}

bool ApiClient::allowsIp(const std::string& ip) const
{
	return allowedIps.empty() || std::find(allowedIps.begin(), allowedIps.end(), ip) != allowedIps.end();
}

ApiClients::ApiClients(const ApiClients& other)
{
	std::lock_guard<std::mutex> lock(other._mutex);
	_clients = other._clients;
}

ApiClients& ApiClients::operator=(const ApiClients& other)
{
	if (this != &other)
	{
		std::map<std::string, ApiClient> copy;
		{
			std::lock_guard<std::mutex> lock(other._mutex);
			copy = other._clients;
		}
		std::lock_guard<std::mutex> lock(_mutex);
		_clients = std::move(copy);
	}
	return *this;
}

namespace {

std::string requiredString(const Poco::JSON::Object::Ptr& entry, const std::string& where, const std::string& field)
{
	if (!entry->has(field) || !entry->get(field).isString() || entry->getValue<std::string>(field).empty())
		throw Poco::DataFormatException(where + "." + field + ": a non-empty string is required");
	return entry->getValue<std::string>(field);
}

std::vector<std::string> stringList(
	const Poco::JSON::Object::Ptr& entry, const std::string& where, const std::string& field)
{
	std::vector<std::string> values;
	if (!entry->has(field)) return values;
	const auto array = entry->getArray(field);
	if (!array) throw Poco::DataFormatException(where + "." + field + ": a list of strings is required");
	for (std::size_t i = 0; i < array->size(); ++i)
	{
		if (!array->get(static_cast<unsigned>(i)).isString())
			throw Poco::DataFormatException(where + "." + field + "[" + std::to_string(i) + "]: a string is required");
		values.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
	}
	return values;
}

} // namespace

ApiClients ApiClients::fromJSON(const std::string& json)
{
	Poco::JSON::Object::Ptr root;
	try
	{
		Poco::JSON::Parser parser;
		root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::BadCastException&)
	{
		throw Poco::DataFormatException("clients file: the top level must be an object with a \"clients\" list");
	}
	catch (const Poco::Exception& e)
	{
		throw Poco::DataFormatException("clients file: not JSON: " + e.message());
	}
	const auto list = root ? root->getArray("clients") : nullptr;
	if (!list) throw Poco::DataFormatException("clients file: the top level must be an object with a \"clients\" list");
	ApiClients clients;
	for (std::size_t i = 0; i < list->size(); ++i)
	{
		const std::string where = "clients[" + std::to_string(i) + "]";
		const auto entry = list->getObject(static_cast<unsigned>(i));
		if (!entry) throw Poco::DataFormatException(where + ": an object is required");
		ApiClient client;
		client.clientId = requiredString(entry, where, "client_id");
		client.clientSecret = requiredString(entry, where, "client_secret");
		if (entry->has("cloud")) client.cloud = requiredString(entry, where, "cloud");
		client.memberCids = stringList(entry, where, "member_cids");
		client.allowedIps = stringList(entry, where, "allowed_ips");
		clients.add(std::move(client));
	}
	return clients;
}

ApiClients ApiClients::fromFile(const std::string& path)
{
	std::string json;
	try
	{
		Poco::FileInputStream in(path);
		Poco::StreamCopier::copyToString(in, json);
	}
	catch (const Poco::Exception& e)
	{
		throw Poco::DataFormatException("clients file " + path + ": " + e.message());
	}
	return fromJSON(json);
}

void ApiClients::add(ApiClient client)
{
	std::lock_guard<std::mutex> lock(_mutex);
	const std::string id = client.clientId;
	_clients[id] = std::move(client);
}

std::optional<ApiClient> ApiClients::find(const std::string& clientId) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	const auto it = _clients.find(clientId);
	if (it == _clients.end()) return std::nullopt;
	return it->second;
}

std::optional<ApiClient> ApiClients::firstOf(const std::string& cloud) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (const auto& client : _clients)
	{
		if (client.second.cloud == cloud) return client.second;
	}
	return std::nullopt;
}

std::size_t ApiClients::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _clients.size();
}

}
} // namespace Falcon::Emulator
