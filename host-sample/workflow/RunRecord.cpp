#include "RunRecord.h"

#include "RunContext.h"

#include "falcon/plugin/JsonValues.h"

#include <cmath>
#include <optional>

namespace Falcon {
namespace Workflow {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;
using Plugin::Json::asArray;
using Plugin::Json::asObject;
using Plugin::Json::put;

namespace {

double milliRounded(double seconds)
{
	return std::round(seconds * 1000) / 1000;
}

/// Passes every string of `value` through the mask, changing the value in place. A record walks
/// every member of every step's outputs: a string is known by one type() and masked; anything
/// else is passed down, where one more type() tells an object or a list from a scalar.
void maskInPlace(const Poco::Dynamic::Var& value, const SecretMask& mask)
{
	const std::type_info& type = value.type();
	if (type == typeid(Object))
	{
		Object shared = value.extract<Object>(); // Poco's pointer hands out a const object only
		for (auto& entry : *shared)
		{
			if (entry.second.type() != typeid(std::string)) maskInPlace(entry.second, mask);
			else if (auto text = mask.masked(entry.second.extract<std::string>())) entry.second = *text;
		}
	}
	else if (type == typeid(Array))
	{
		Array shared = value.extract<Array>();
		Poco::JSON::Array& array = *shared;
		for (unsigned i = 0; i < array.size(); ++i)
		{
			const Poco::Dynamic::Var& element = *(array.begin() + i); // Array::get returns a copy
			if (element.type() != typeid(std::string)) maskInPlace(element, mask);
			else if (auto text = mask.masked(element.extract<std::string>())) array.set(i, *text);
		}
	}
}

} // namespace

Object RunRecord::outputs() const
{
	const RunContext context(_run);
	Object outputs = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& output : _run.workflow.outputs)
	{
		const Value value = output.second.evaluate(context);
		if (_run.options.revealOutputs) outputs->set(output.first, Plugin::Json::deepCopy(value.data));
		else if (value.secret) outputs->set(output.first, std::string("***"));
		else if (value.data.isString()) outputs->set(output.first, _run.mask.mask(value.data.extract<std::string>()));
		else outputs->set(output.first, value.data); // an object or list is masked with the steps
	}
	return outputs;
}

Object RunRecord::make(const std::string& status, double seconds, const std::vector<std::shared_ptr<StepState>>& states,
	const Object& outputs) const
{
	Array steps = new Poco::JSON::Array;
	for (std::size_t i = 0; i < states.size(); ++i) steps->add(stepRecord(_run.workflow.steps[i], *states[i]));
	Object record = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	put(*record, "workflow", _run.workflow.name);
	put(*record, "status", status);
	put(*record, "duration_s", milliRounded(seconds));
	put(*record, "steps", steps);
	put(*record, "outputs", outputs);
	return record;
}

Object RunRecord::stepRecord(const StepDefinition& step, const StepState& state) const
{
	Object record = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	put(*record, "id", step.id);
	put(*record, "action", step.action->operationId());
	put(*record, "status", state.status);
	put(*record, "attempts", state.attempts);
	put(*record, "duration_s", milliRounded(state.seconds));
	if (const Object single = asObject(state.outputs))
	{
		maskOutputs(step, single);
		put(*record, "outputs", single);
	}
	else if (const Array iterations = asArray(state.outputs))
	{
		for (std::size_t k = 0; k < iterations->size(); ++k)
			maskOutputs(step, iterations->getObject(static_cast<unsigned>(k)));
		put(*record, "outputs", iterations);
	}
	if (const Object error = asObject(state.error))
	{
		maskOutputs(step, error); // already masked when it is part of the outputs; harmless again
		put(*record, "error", error);
	}
	return record;
}

void RunRecord::maskOutputs(const StepDefinition& step, const Object& outputs) const
{
	// The x-secret fields whatever their value, then every known secret value anywhere else (in
	// this order, the secret fields, a token's kilobyte or so each, are not searched).
	for (const auto& secretPath : step.secretOutputPaths)
	{
		Object holder = outputs;
		for (std::size_t i = 0; i + 1 < secretPath.size() && holder; ++i)
		{
			const Poco::Dynamic::Var* member = Plugin::Json::memberOf(*holder, secretPath[i]);
			holder = member ? asObject(*member) : nullptr;
		}
		if (!holder) continue;
		if (Poco::Dynamic::Var* secret = Plugin::Json::memberOf(*holder, secretPath.back()))
			*secret = std::string("***");
	}
	maskInPlace(outputs, _run.mask);
}

}
} // namespace Falcon::Workflow
