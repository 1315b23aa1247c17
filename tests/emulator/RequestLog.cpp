#include "RequestLog.h"

#include <Poco/JSON/Object.h>

namespace Falcon {
namespace Emulator {

void RequestLog::add(LoggedRequest request)
{
	std::lock_guard<std::mutex> lock(_mutex);
	const bool isToken = request.path == "/oauth2/token";
	if (isToken) ++_counters.tokenRequests;
	if (isToken && request.status == 201) ++_counters.tokensIssued;
	if (request.path == "/oauth2/revoke") ++_counters.revokeRequests;
	if (request.path == "/oauth2/revoke" && request.status == 200) ++_counters.revocations;
	if (request.status == 429) ++_counters.rateLimited;
	if (request.path.rfind("/devices/", 0) == 0) ++_counters.probes;
	if (!request.fault.empty()) ++_counters.faults;
	if (_entries.size() >= CAPACITY) _entries.erase(_entries.begin(), _entries.begin() + CAPACITY / 10);
	_entries.push_back(std::move(request));
}

std::vector<LoggedRequest> RequestLog::entries() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _entries;
}

Counters RequestLog::counters() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _counters;
}

void RequestLog::clear()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_entries.clear();
	_counters = Counters();
}

std::string RequestLog::maskAuthorization(const std::string& value)
{
	const auto space = value.find(' ');
	return (space == std::string::npos ? std::string() : value.substr(0, space + 1)) + "***";
}

Poco::JSON::Array::Ptr RequestLog::toJSON() const
{
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	for (const auto& entry : entries())
	{
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		object->set("cloud", entry.cloud);
		object->set("method", entry.method);
		object->set("path", entry.path);
		object->set("source", entry.source);
		Poco::JSON::Object::Ptr headers = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& header : entry.headers) headers->set(header.first, header.second);
		object->set("headers", headers);
		Poco::JSON::Object::Ptr form = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& field : entry.form) form->set(field.first, field.second);
		object->set("form", form);
		object->set("status", entry.status);
		object->set("fault", entry.fault);
		array->add(object);
	}
	return array;
}

}
} // namespace Falcon::Emulator
