#include "falcon/plugin/ActionResult.h"
#include "falcon/plugin/JsonValues.h"
#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>

#include <sstream>
#include <thread>

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

} // namespace

ActionResult::ActionResult(Poco::JSON::Object::Ptr output, bool rejectedInput):
	_output(output ? std::move(output) : missingOutput()), _rejectedInput(rejectedInput && _output->has("error"))
{
}

ActionResult ActionResult::shared(Poco::JSON::Object::Ptr output)
{
	ActionResult result(std::move(output));
	result._shared.swap(result._output);
	result._state.store(SHARED, std::memory_order_relaxed);
	return result;
}

ActionResult::ActionResult(const ActionResult& other):
	_shared(other._shared), _state(SHARED), _rejectedInput(other._rejectedInput)
{
	// A copy of a result whose caller took its output shares that output, as copies always did;
	// any other copy makes its own from the shared one when asked.
	if (other._state.load(std::memory_order_acquire) != OWNED) return;
	_output = other._output;
	_state.store(OWNED, std::memory_order_relaxed);
}

ActionResult& ActionResult::operator=(const ActionResult& other)
{
	if (this == &other) return *this;
	const ActionResult copy(other);
	_shared = copy._shared;
	_output = copy._output;
	_rejectedInput = copy._rejectedInput;
	_state.store(copy._state.load(std::memory_order_relaxed), std::memory_order_release);
	return *this;
}

ActionResult::~ActionResult() = default;

const Poco::JSON::Object::Ptr& ActionResult::current() const
{
	// `_shared` never changes, and `_output` does not once it is OWNED: no lock is needed.
	return _state.load(std::memory_order_acquire) == OWNED ? _output : _shared;
}

bool ActionResult::ok() const
{
	return !current()->has("error");
}

int ActionResult::statusCode() const
{
	const Poco::JSON::Object::Ptr& output = current();
	return output->has("status_code") ? output->getValue<int>("status_code") : 0;
}

std::string ActionResult::errorKind() const
{
	const auto error = current()->getObject("error");
	return error && error->has("kind") ? error->getValue<std::string>("kind") : std::string();
}

const Poco::JSON::Object::Ptr& ActionResult::output() const
{
	State state = SHARED;
	if (_state.compare_exchange_strong(state, COPYING, std::memory_order_acquire))
	{
		_output = Json::deepCopy(_shared).extract<Poco::JSON::Object::Ptr>();
		_state.store(OWNED, std::memory_order_release);
	}
	// Another thread's output() is making the copy: a copy takes a few microseconds.
	while (state == COPYING && _state.load(std::memory_order_acquire) != OWNED) std::this_thread::yield();
	return _output;
}

std::string ActionResult::toJSON(unsigned indent) const
{
	const Poco::JSON::Object::Ptr& output = current();
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
}

}
} // namespace Falcon::Plugin
