#include "WorkflowRunner.h"

#include "QuotedText.h"

#include <Poco/Environment.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace Falcon {
namespace Workflow {

using Clock = std::chrono::steady_clock;
using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;

struct WorkflowRunner::StepState
{
	std::string status = "pending";
	int attempts = 0;
	double seconds = 0;
	Poco::Dynamic::Var outputs; ///< an object, or for for_each an array of objects in item order
	Poco::Dynamic::Var error;
};

namespace {

Object asObject(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Object) ? value.extract<Object>() : Object();
}

Array asArray(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Array) ? value.extract<Array>() : Array();
}

/// Follows `path` from `from` into `value`: object keys (exact, then case-insensitive, as HTTP
/// header names are) and array indexes. A missing step is null.
Poco::Dynamic::Var navigate(Poco::Dynamic::Var value, const std::vector<std::string>& path, std::size_t from)
{
	for (std::size_t i = from; i < path.size() && !value.isEmpty(); ++i)
	{
		if (const Object object = asObject(value))
		{
			if (object->has(path[i]))
			{
				value = object->get(path[i]);
				continue;
			}
			Poco::Dynamic::Var found;
			for (const auto& entry : *object)
			{
				if (Poco::icompare(entry.first, path[i]) == 0) { found = entry.second; break; }
			}
			value = found;
		}
		else if (const Array array = asArray(value))
		{
			unsigned index = 0;
			value = Poco::NumberParser::tryParseUnsigned(path[i], index) && index < array->size() ? array->get(index) : Poco::Dynamic::Var();
		}
		else
		{
			return {};
		}
	}
	return value;
}

bool prefixEither(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
	const std::size_t n = std::min(a.size(), b.size());
	return std::equal(a.begin(), a.begin() + static_cast<long>(n), b.begin());
}

bool matchesType(const std::string& type, const Poco::Dynamic::Var& value)
{
	if (type.empty()) return true;
	if (type == "string") return value.isString();
	if (type == "boolean") return value.isBoolean();
	if (type == "integer") return value.isInteger() && !value.isBoolean();
	if (type == "number") return value.isNumeric() && !value.isBoolean();
	if (type == "object") return value.type() == typeid(Object);
	if (type == "array") return value.type() == typeid(Array);
	return true;
}

} // namespace

class WorkflowRunner::Context: public EvaluationContext
{
public:
	Context(const WorkflowRunner& runner, const StepDefinition* step = nullptr, std::optional<Value> item = std::nullopt, int index = -1):
		_runner(runner), _item(std::move(item)), _index(index)
	{
		(void)step;
	}

	Value lookup(const std::vector<std::string>& path) const override
	{
		Value value = find(path);
		if (value.secret && value.data.isString()) const_cast<SecretMask&>(_runner._mask).add(value.data.extract<std::string>());
		return value;
	}

	bool succeeded() const override
	{
		std::lock_guard<std::mutex> lock(_runner._mutex);
		return !_runner._failed;
	}

	bool failed() const override
	{
		std::lock_guard<std::mutex> lock(_runner._mutex);
		return _runner._failed;
	}

	bool cancelled() const override
	{
		return _runner._options.cancelled && _runner._options.cancelled->load();
	}

private:
	Value find(const std::vector<std::string>& path) const
	{
		const std::string& root = path.front();
		if (root == "item") return _item ? Value{navigate(_item->data, path, 1), _item->secret} : Value{};
		if (root == "index") return _index >= 0 ? Value{_index, false} : Value{};
		if (root == "inputs" && path.size() >= 2)
		{
			const auto declared = _runner._workflow.inputs.find(path[1]);
			const bool secret = declared != _runner._workflow.inputs.end() && declared->second.secret;
			return Value{navigate(_runner._inputs, path, 1), secret, path.size() == 2 && !_runner._inputs->has(path[1])};
		}
		if (root == "env" && path.size() >= 2)
		{
			const auto it = _runner._env.find(path[1]);
			return it == _runner._env.end() ? Value{} : it->second;
		}
		if (root == "steps" && path.size() >= 3) return stepValue(path);
		return {};
	}

	Value stepValue(const std::vector<std::string>& path) const
	{
		std::shared_ptr<StepState> state;
		const StepDefinition* step = nullptr;
		{
			std::lock_guard<std::mutex> lock(_runner._mutex);
			const auto it = _runner._states.find(path[1]);
			if (it == _runner._states.end()) return {};
			state = it->second;
		}
		for (const auto& candidate : _runner._workflow.steps)
		{
			if (candidate.id == path[1]) step = &candidate;
		}
		const std::string& field = path[2];
		if (field == "status") return Value{state->status, false};
		if (field == "attempts") return Value{state->attempts, false};
		if (field == "error") return Value{navigate(state->error, path, 3), false};
		if (field != "outputs") return {};
		// Secret when the path leads to (or into, or around) an x-secret field of the output.
		std::vector<std::string> inside(path.begin() + 3, path.end());
		if (step && step->loops() && !inside.empty()) inside.erase(inside.begin());
		bool secret = false;
		if (step)
		{
			for (const auto& secretPath : step->secretOutputPaths) secret = secret || prefixEither(inside, secretPath);
		}
		return Value{navigate(state->outputs, path, 3), secret};
	}

	const WorkflowRunner& _runner;
	std::optional<Value> _item;
	int _index;
};

WorkflowRunner::WorkflowRunner(const WorkflowDefinition& workflow, RunOptions options):
	_workflow(workflow),
	_options(std::move(options))
{
	if (!_options.inputs) _options.inputs = new Poco::JSON::Object;
	if (!_options.cancelled) _options.cancelled = std::make_shared<std::atomic<bool>>(false);
	if (!_options.abandoned) _options.abandoned = std::make_shared<std::atomic<bool>>(false);
}

void WorkflowRunner::prepareInputs()
{
	for (const char* secret : {"client_secret", "proxy"})
	{
		if (_options.connection && _options.connection->has(secret)) _mask.add(_options.connection->getValue<std::string>(secret));
	}
	_inputs = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& given : *_options.inputs)
	{
		if (!_workflow.inputs.count(given.first)) throw std::invalid_argument("--input: the workflow has no input " + Host::quoted(given.first));
	}
	for (const auto& declared : _workflow.inputs)
	{
		Poco::Dynamic::Var value = _options.inputs->has(declared.first) ? _options.inputs->get(declared.first) : declared.second.defaultValue;
		if (value.isEmpty())
		{
			if (declared.second.required) throw std::invalid_argument("--input: the workflow needs the input '" + declared.first + "'");
			continue;
		}
		if (!matchesType(declared.second.type, value))
			throw std::invalid_argument("--input: " + declared.first + " must be of type " + declared.second.type);
		if (declared.second.secret) _mask.add(Value{value}.text());
		_inputs->set(declared.first, value);
	}
	for (const auto& declared : _workflow.env)
	{
		const std::string value = Poco::Environment::get(declared.first, declared.second.defaultValue.value_or(""));
		if (value.empty() && declared.second.required) throw std::invalid_argument("env: the workflow needs the environment variable " + declared.first);
		if (declared.second.secret) _mask.add(value);
		_env[declared.first] = Value{value, declared.second.secret};
	}
}

std::optional<Poco::Dynamic::Var> WorkflowRunner::resolve(const Poco::Dynamic::Var& value, const Context& context)
{
	if (value.isString())
	{
		const std::string text = value.extract<std::string>();
		if (text.find("${{") == std::string::npos) return std::optional<Poco::Dynamic::Var>(value);
		const Value result = Template::parse(text).evaluate(context);
		if (result.secret) _mask.add(result.text());
		if (result.notGiven) return std::nullopt;
		return std::optional<Poco::Dynamic::Var>(result.data);
	}
	if (const Object object = asObject(value))
	{
		Object resolved = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& entry : *object)
		{
			// An optional input that was not given leaves its key out. Any other null stays null,
			// for the action's schema to refuse where a value belongs: "the lookup found no child
			// CID" must not become "no child CID" and mint the parent's token.
			if (const auto child = resolve(entry.second, context)) resolved->set(entry.first, *child);
		}
		return std::optional<Poco::Dynamic::Var>(Poco::Dynamic::Var(resolved));
	}
	if (const Array array = asArray(value))
	{
		Array resolved = new Poco::JSON::Array;
		for (std::size_t i = 0; i < array->size(); ++i) {
			const auto element = resolve(array->get(static_cast<unsigned>(i)), context);
			resolved->add(element ? *element : Poco::Dynamic::Var());
		}
		return std::optional<Poco::Dynamic::Var>(Poco::Dynamic::Var(resolved));
	}
	return std::optional<Poco::Dynamic::Var>(value);
}

bool WorkflowRunner::waitUnlessCancelled(double seconds, bool cleanup) const
{
	const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
	while (Clock::now() < until)
	{
		if (!cleanup && _options.cancelled->load()) return false;
		std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
	}
	return cleanup || !_options.cancelled->load();
}

Object WorkflowRunner::attempt(const StepDefinition& step, const Context& context, int& attempts)
{
	const auto with = resolve(step.with, context);
	const Poco::Dynamic::Var resolved = with ? *with : Poco::Dynamic::Var();
	const Object input = asObject(resolved) ? asObject(resolved) : Object(new Poco::JSON::Object);
	const double callTimeout = Plugin::ActionContext::callTimeoutOf(_options.connection);
	for (int attempt = 1;; ++attempt)
	{
		++attempts;
		const double timeout = step.timeoutSeconds > 0 ? step.timeoutSeconds : callTimeout;
		const auto deadline = Plugin::ActionContext::deadlineAfter(timeout);
		// Cleanup steps (always()) are never given up: a minted token still gets revoked, within
		// the step's own deadline. Other calls end when the run is abandoned.
		const Plugin::ActionContext actionContext(_options.connection, *_options.logger, deadline,
			step.cleanup ? nullptr : std::shared_ptr<const std::atomic<bool>>(_options.abandoned));
		const Plugin::ActionResult result = step.action->invoke(input, actionContext);
		const Object output = result.output();
		for (const auto& secretPath : step.secretOutputPaths)
		{
			const Poco::Dynamic::Var secret = navigate(output, secretPath, 0);
			if (secret.isString()) _mask.add(secret.extract<std::string>());
		}
		if (result.ok()) return output;
		const std::string kind = result.errorKind();
		const bool retryable = std::find(step.retry.on.begin(), step.retry.on.end(), kind) != step.retry.on.end();
		if (!retryable || attempt >= step.retry.maxAttempts) return output;
		const double delay = step.retry.exponential
			? std::min(step.retry.maxDelaySeconds, step.retry.initialDelaySeconds * std::pow(2.0, attempt - 1))
			: step.retry.initialDelaySeconds;
		if (_options.logger) _options.logger->information("step " + step.id + ": " + kind + "; attempt " + std::to_string(attempt + 1) + " of "
			+ std::to_string(step.retry.maxAttempts) + " in " + std::to_string(delay).substr(0, std::to_string(delay).find('.') + 3) + " s");
		if (!waitUnlessCancelled(delay, step.cleanup)) return output;
	}
}

void WorkflowRunner::runStep(const StepDefinition& step, StepState& state)
{
	const Context context(*this);
	const bool cancelled = _options.cancelled->load();
	bool run;
	if (cancelled && !step.cleanup)
		run = false;
	else if (!step.condition)
		run = context.succeeded();
	else if (step.conditionCallsStatus)
		run = step.condition->evaluate(context).truthy();
	else
		run = context.succeeded() && step.condition->evaluate(context).truthy();
	if (!run)
	{
		state.status = cancelled ? "cancelled" : "skipped";
		if (_options.progress) _options.progress->finished(step.id, state.status, 0, 0, 0);
		return;
	}

	if (_options.progress) _options.progress->started(step.id, step.action->operationId());
	const auto started = Clock::now();
	Object error;
	int iterations = 0;
	if (!step.loops())
	{
		const Object output = attempt(step, context, state.attempts);
		state.outputs = output;
		error = output->getObject("error");
	}
	else
	{
		const Poco::Dynamic::Var items = step.forEachList ? *step.forEachList : step.forEachTemplate->evaluate(context).data;
		const Array list = asArray(items);
		if (!list)
		{
			error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			error->set("kind", std::string("invalid_input"));
			error->set("message", "step " + step.id + ": for_each did not give a list");
			state.outputs = Array(new Poco::JSON::Array);
		}
		else
		{
			const std::size_t count = list->size();
			iterations = static_cast<int>(count);
			std::vector<Object> outputs(count);
			std::vector<int> attempts(count, 0);
			std::atomic<std::size_t> next{0};
			auto worker = [&] {
				for (std::size_t i = next++; i < count; i = next++)
				{
					const Context iteration(*this, &step, Value{list->get(static_cast<unsigned>(i)), false}, static_cast<int>(i));
					outputs[i] = attempt(step, iteration, attempts[i]);
				}
			};
			std::vector<std::thread> workers;
			const std::size_t parallel = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, step.maxParallel)), std::max<std::size_t>(count, 1));
			for (std::size_t i = 0; i < parallel; ++i) workers.emplace_back(worker);
			for (auto& thread : workers) thread.join();
			Array collected = new Poco::JSON::Array;
			for (std::size_t i = 0; i < count; ++i)
			{
				collected->add(outputs[i]);
				state.attempts += attempts[i];
				if (!error && outputs[i]->has("error")) error = outputs[i]->getObject("error");
			}
			state.outputs = collected;
		}
	}
	state.seconds = std::chrono::duration<double>(Clock::now() - started).count();
	state.status = error ? "failure" : "success";
	if (error) state.error = error;
	if (error && !step.continueOnError)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_failed = true;
	}
	if (_options.progress) _options.progress->finished(step.id, state.status, iterations, state.attempts, state.seconds);
}

namespace {

/// Passes every string of `value` through the mask, changing the value in place. Used once the
/// run is over, when nothing reads the real values any more.
void maskInPlace(const Poco::Dynamic::Var& value, const SecretMask& mask)
{
	if (Object object = asObject(value))
	{
		std::vector<std::pair<std::string, std::string>> changed;
		for (const auto& entry : *object)
		{
			if (entry.second.isString())
			{
				const std::string& text = entry.second.extract<std::string>();
				std::string masked = mask.mask(text);
				if (masked != text) changed.emplace_back(entry.first, std::move(masked));
			}
			else
			{
				maskInPlace(entry.second, mask);
			}
		}
		for (auto& change : changed) object->set(change.first, change.second);
	}
	else if (Array array = asArray(value))
	{
		for (unsigned i = 0; i < array->size(); ++i)
		{
			const Poco::Dynamic::Var element = array->get(i);
			if (element.isString())
			{
				const std::string& text = element.extract<std::string>();
				const std::string masked = mask.mask(text);
				if (masked != text) array->set(i, masked);
			}
			else
			{
				maskInPlace(element, mask);
			}
		}
	}
}

/// A copy that shares nothing with `value`, for outputs revealed while the steps get masked.
Poco::Dynamic::Var deepCopy(const Poco::Dynamic::Var& value)
{
	if (const Object object = asObject(value))
	{
		Object copy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& entry : *object) copy->set(entry.first, deepCopy(entry.second));
		return copy;
	}
	if (const Array array = asArray(value))
	{
		Array copy = new Poco::JSON::Array;
		for (const auto& element : *array) copy->add(deepCopy(element));
		return copy;
	}
	return value;
}

} // namespace

void WorkflowRunner::maskOutputs(const StepDefinition& step, const Object& outputs) const
{
	// Every known secret value anywhere, then the x-secret fields whatever their value.
	maskInPlace(outputs, _mask);
	for (const auto& secretPath : step.secretOutputPaths)
	{
		Poco::Dynamic::Var parent = outputs;
		for (std::size_t i = 0; i + 1 < secretPath.size() && asObject(parent); ++i) parent = asObject(parent)->get(secretPath[i]);
		Object holder = asObject(parent);
		if (holder && holder->has(secretPath.back())) holder->set(secretPath.back(), std::string("***"));
	}
}

Object WorkflowRunner::run()
{
	const auto started = Clock::now();
	prepareInputs();
	std::vector<std::shared_ptr<StepState>> states;
	for (const auto& step : _workflow.steps)
	{
		auto state = std::make_shared<StepState>();
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_states[step.id] = state;
		}
		runStep(step, *state);
		states.push_back(state);
	}
	if (_options.cancelled->load()) _status = "cancelled";
	else if (_failed) _status = "failure";

	// The workflow's outputs first, while the steps' outputs still hold the real values.
	const Context context(*this);
	Object outputs = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& output : _workflow.outputs)
	{
		const Value value = output.second.evaluate(context);
		if (_options.revealOutputs) outputs->set(output.first, deepCopy(value.data));
		else if (value.secret) outputs->set(output.first, std::string("***"));
		else if (value.data.isString()) outputs->set(output.first, _mask.mask(value.data.extract<std::string>()));
		else outputs->set(output.first, value.data); // an object or list is masked with the steps below
	}

	Array steps = new Poco::JSON::Array;
	for (std::size_t i = 0; i < states.size(); ++i)
	{
		const StepDefinition& step = _workflow.steps[i];
		const StepState& state = *states[i];
		Object record = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		record->set("id", step.id);
		record->set("action", step.action->operationId());
		record->set("status", state.status);
		record->set("attempts", state.attempts);
		record->set("duration_s", std::round(state.seconds * 1000) / 1000);
		if (const Object single = asObject(state.outputs))
		{
			maskOutputs(step, single);
			record->set("outputs", single);
		}
		else if (const Array iterations = asArray(state.outputs))
		{
			for (std::size_t k = 0; k < iterations->size(); ++k) maskOutputs(step, iterations->getObject(static_cast<unsigned>(k)));
			record->set("outputs", iterations);
		}
		if (const Object error = asObject(state.error))
		{
			maskOutputs(step, error); // already masked when it is part of the outputs; harmless again
			record->set("error", error);
		}
		steps->add(record);
	}

	Object record = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	record->set("workflow", _workflow.name);
	record->set("status", _status);
	record->set("duration_s", std::round(std::chrono::duration<double>(Clock::now() - started).count() * 1000) / 1000);
	record->set("steps", steps);
	record->set("outputs", outputs);
	return record;
}

} } // namespace Falcon::Workflow
