#include "falcon/plugin/ActionResult.h"
#include "falcon/plugin/JsonValues.h"
#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <mutex>
#include <sstream>

namespace Falcon {
namespace Plugin {

namespace {

/// What a result without an output says: a failure, never a success with status 0.
Poco::JSON::Object::Ptr missingOutput()
{
	const std::string message = "the action produced no result";
	Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	entry->set("message", message);
	entry->set("code", 500);
	Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
	errors->add(entry);
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("errors", errors);
	body->set("resources", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	error->set("kind", std::string("protocol"));
	error->set("message", message);
	error->set("retryable", false);
	error->set("retry_after_s", Poco::Dynamic::Var());
	error->set("trace_id", std::string());
	Poco::JSON::Object::Ptr output = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	output->set("status_code", 500);
	output->set("headers", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	output->set("body", body);
	output->set("error", error);
	return output;
}

/// The lock a result with a shared output takes while that output is read or replaced by a copy:
/// one of a few, by the result's address, so that results on different threads seldom meet.
/// Every bit of the address counts: results on threads' stacks often differ only in the high
/// ones (stacks megabytes apart, the same frame in each), and low bits alone put them all on one
/// lock that every core then takes in turn.
std::mutex& guardOf(const ActionResult* result)
{
	struct alignas(64) Guard
	{
		std::mutex mutex;
	};
	static Guard guards[64];
	const std::uint64_t address = reinterpret_cast<std::uintptr_t>(result);
	return guards[(address * 0x9E3779B97F4A7C15u) >> 58].mutex; // Fibonacci hashing: the top 6 bits
}

} // namespace

ActionResult::ActionResult(Poco::JSON::Object::Ptr output, bool rejectedInput):
	_output(output ? std::move(output) : missingOutput()), _rejectedInput(rejectedInput && _output->has("error"))
{
}

ActionResult ActionResult::shared(Poco::JSON::Object::Ptr output)
{
	ActionResult result(std::move(output));
	result._shared.store(true, std::memory_order_relaxed);
	return result;
}

ActionResult::ActionResult(const ActionResult& other): _rejectedInput(other._rejectedInput)
{
	if (!other._shared.load(std::memory_order_acquire))
	{
		_output = other._output;
		return;
	}
	std::lock_guard<std::mutex> lock(guardOf(&other));
	_output = other._output;
	_shared.store(other._shared.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

ActionResult& ActionResult::operator=(const ActionResult& other)
{
	if (this == &other) return *this;
	const ActionResult copy(other);
	_output = copy._output;
	_rejectedInput = copy._rejectedInput;
	_shared.store(copy._shared.load(std::memory_order_relaxed), std::memory_order_release);
	return *this;
}

ActionResult::~ActionResult() = default;

template <typename Read>
auto ActionResult::reading(Read read) const
{
	// Once the caller has its own copy, nothing replaces it: no lock is needed to read it.
	if (!_shared.load(std::memory_order_acquire)) return read(_output);
	std::lock_guard<std::mutex> lock(guardOf(this));
	return read(_output);
}

bool ActionResult::ok() const
{
	return reading([](const Poco::JSON::Object::Ptr& output) { return !output->has("error"); });
}

int ActionResult::statusCode() const
{
	return reading([](const Poco::JSON::Object::Ptr& output) {
		return output->has("status_code") ? output->getValue<int>("status_code") : 0;
	});
}

std::string ActionResult::errorKind() const
{
	return reading([](const Poco::JSON::Object::Ptr& output) {
		const auto error = output->getObject("error");
		return error && error->has("kind") ? error->getValue<std::string>("kind") : std::string();
	});
}

const Poco::JSON::Object::Ptr& ActionResult::output() const
{
	if (_shared.load(std::memory_order_acquire))
	{
		std::lock_guard<std::mutex> lock(guardOf(this));
		if (_shared.load(std::memory_order_relaxed))
		{
			_output = Json::deepCopy(_output).extract<Poco::JSON::Object::Ptr>();
			_shared.store(false, std::memory_order_release);
		}
	}
	return _output;
}

std::string ActionResult::toJSON(unsigned indent) const
{
	return reading([indent](const Poco::JSON::Object::Ptr& output) {
		if (indent == 0)
		{
			std::string compact;
			compact.reserve(1024);
			Json::write(output, compact);
			return compact;
		}
		std::ostringstream out;
		output->stringify(out, indent);
		return out.str();
	});
}

}
} // namespace Falcon::Plugin
