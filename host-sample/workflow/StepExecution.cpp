#include "StepExecution.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/NumberFormatter.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace Falcon {
namespace Workflow {

using Clock = std::chrono::steady_clock;
using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;
using Plugin::Json::asArray;
using Plugin::Json::asObject;

StepExecution::StepExecution(RunState& run, const StepDefinition& step, StepState& state):
	_run(run), _step(step), _state(state)
{
}

void StepExecution::run()
{
	const RunOptions& options = _run.options;
	const RunContext context(_run);
	const bool cancelled = _run.cancelled();
	if (!shouldRun(context, cancelled))
	{
		_state.status = cancelled ? "cancelled" : "skipped";
		if (options.progress) options.progress->finished(_step.id, _state.status, 0, 0, 0);
		return;
	}

	if (options.progress) options.progress->started(_step.id, _step.action->operationId());
	const auto started = Clock::now();
	int iterations = 0;
	const Object error = _step.loops() ? iterate(context, iterations) : [&] {
		const Object output = attempt(context, _state.attempts);
		_state.outputs = output;
		const Poco::Dynamic::Var* error = Plugin::Json::memberOf(*output, "error");
		return error ? asObject(*error) : Object();
	}();
	_state.seconds = std::chrono::duration<double>(Clock::now() - started).count();
	_state.status = error ? "failure" : "success";
	if (error) _state.error = error;
	if (error && !_step.continueOnError) _run.markFailed();
	if (options.progress)
		options.progress->finished(_step.id, _state.status, iterations, _state.attempts, _state.seconds);
}

bool StepExecution::shouldRun(const RunContext& context, bool cancelled) const
{
	if (cancelled && !_step.cleanup) return false;
	if (!_step.condition) return context.succeeded();
	if (_step.conditionCallsStatus) return _step.condition->evaluate(context).truthy();
	return context.succeeded() && _step.condition->evaluate(context).truthy();
}

/// Every item through `attempt`, in parallel up to max_parallel; the first failure is the step's.
Object StepExecution::iterate(const RunContext& context, int& iterations)
{
	const Poco::Dynamic::Var items =
		_step.forEachList ? *_step.forEachList : _step.forEachTemplate->evaluate(context).data;
	const Array list = asArray(items);
	if (!list)
	{
		_state.outputs = Array(new Poco::JSON::Array);
		Object error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		error->set("kind", std::string("invalid_input"));
		error->set("message", "step " + _step.id + ": for_each did not give a list");
		return error;
	}
	const std::size_t count = list->size();
	iterations = static_cast<int>(count);
	std::vector<Object> outputs(count);
	std::vector<int> attempts(count, 0);
	std::atomic<std::size_t> next{0};
	auto worker = [&] {
		for (std::size_t i = next++; i < count; i = next++)
		{
			const RunContext iteration(_run, Value{list->get(static_cast<unsigned>(i)), false}, static_cast<int>(i));
			outputs[i] = attempt(iteration, attempts[i]);
		}
	};
	std::vector<std::thread> workers;
	const std::size_t parallel = std::min<std::size_t>(
		static_cast<std::size_t>(std::max(1, _step.maxParallel)), std::max<std::size_t>(count, 1));
	for (std::size_t i = 0; i < parallel; ++i) workers.emplace_back(worker);
	for (auto& thread : workers) thread.join();
	Array collected = new Poco::JSON::Array;
	Object error;
	for (std::size_t i = 0; i < count; ++i)
	{
		collected->add(outputs[i]);
		_state.attempts += attempts[i];
		if (!error && outputs[i]->has("error")) error = outputs[i]->getObject("error");
	}
	_state.outputs = collected;
	return error;
}

/// One call of the action, retried as the step's `retry:` says.
Object StepExecution::attempt(const RunContext& context, int& attempts)
{
	const RunOptions& options = _run.options;
	const auto with = _step.with.resolve(context, [this](const Value& secret) { _run.mask.add(secret.text()); });
	const Object input = with && asObject(*with) ? asObject(*with) : Object(new Poco::JSON::Object);
	const double timeout = _step.timeoutSeconds > 0 ? _step.timeoutSeconds : _run.callTimeout;
	// Cleanup steps (always()) are never given up: a minted token still gets revoked, within
	// the step's own deadline. Other calls end when the run is abandoned.
	const std::shared_ptr<const Plugin::Cancellation> cancellation = _step.cleanup ? nullptr : options.abandoned;
	for (int attempt = 1;; ++attempt)
	{
		++attempts;
		// The run keeps its connection: a for_each's threads read it without writing its count.
		const auto actionContext = Plugin::ActionContext::borrowing(
			options.connection, *options.logger, Plugin::ActionContext::deadlineAfter(timeout), cancellation);
		const Plugin::ActionResult result = _step.action->invoke(input, actionContext);
		const Object output = result.output();
		const Poco::Dynamic::Var outputValue(output);
		for (const auto& secretPath : _step.secretOutputPaths)
		{
			const Poco::Dynamic::Var* secret = RunContext::locate(outputValue, secretPath, 0);
			if (secret && secret->isString()) _run.mask.add(secret->extract<std::string>());
		}
		if (result.ok()) return output;
		const std::string kind = result.errorKind();
		const bool retryable = std::find(_step.retry.on.begin(), _step.retry.on.end(), kind) != _step.retry.on.end();
		if (!retryable || attempt >= _step.retry.maxAttempts) return output;
		const double delay = delayBefore(attempt);
		if (options.logger)
			options.logger->information("step " + _step.id + ": " + kind + "; attempt " + std::to_string(attempt + 1)
				+ " of " + std::to_string(_step.retry.maxAttempts) + " in " + Poco::NumberFormatter::format(delay, 2)
				+ " s");
		if (!waitBeforeRetry(delay)) return output;
	}
}

double StepExecution::delayBefore(int attempt) const
{
	const RetrySettings& retry = _step.retry;
	return retry.exponential ? std::min(retry.maxDelaySeconds, retry.initialDelaySeconds * std::pow(2.0, attempt - 1))
							 : retry.initialDelaySeconds;
}

/// False when the run was cancelled before the wait was over (a cleanup step waits it out).
bool StepExecution::waitBeforeRetry(double seconds) const
{
	const std::chrono::duration<double> delay(seconds);
	if (!_step.cleanup) return _run.options.cancelled->sleepFor(delay);
	std::this_thread::sleep_for(delay);
	return true;
}

}
} // namespace Falcon::Workflow
