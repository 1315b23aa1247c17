// falcon-host workflow run|check FILE: the declarative workflows (see workflow/).

#include "FalconHost.h"

#include "HostError.h"
#include "workflow/MaskingChannel.h"
#include "workflow/StderrProgress.h"
#include "workflow/WorkflowLoader.h"
#include "workflow/WorkflowRunner.h"

#include <Poco/JSON/Parser.h>

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <thread>

#include <pthread.h>

namespace Falcon {
namespace Host {

namespace {

/// While alive, SIGINT, SIGTERM and SIGHUP no longer interrupt anything: they are blocked in
/// this thread and every thread started after, and a watcher thread takes them. The first one
/// cancels the run (no new step; calls in flight finish; always() steps run), the next abandons
/// the calls in flight too. A handler would break the calls in flight instead: reads with a
/// timeout are not restarted. docker stop, systemd and SOAR runner timeouts send SIGTERM; a
/// closed terminal sends SIGHUP: each deserves the same cleanup as Ctrl-C.
class InterruptWatcher
{
public:
	InterruptWatcher(std::shared_ptr<Plugin::Cancellation> cancelled, std::shared_ptr<Plugin::Cancellation> abandoned):
		_cancelled(std::move(cancelled)), _abandoned(std::move(abandoned))
	{
		sigemptyset(&_signals);
		for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&_signals, signal);
		pthread_sigmask(SIG_BLOCK, &_signals, &_previous);
		_watcher = std::thread([this] {
			const timespec tick{0, 100 * 1000 * 1000};
			while (!_done.load())
			{
				if (sigtimedwait(&_signals, nullptr, &tick) <= 0) continue;
				if (_cancelled->cancelled()) _abandoned->cancel();
				else _cancelled->cancel();
			}
		});
	}

	~InterruptWatcher()
	{
		_done.store(true);
		_watcher.join();
		pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
	}

private:
	std::shared_ptr<Plugin::Cancellation> _cancelled;
	std::shared_ptr<Plugin::Cancellation> _abandoned;
	sigset_t _signals;
	sigset_t _previous;
	std::atomic<bool> _done{false};
	std::thread _watcher;
};

} // namespace

Poco::JSON::Object::Ptr FalconHost::readWorkflowInputs() const
{
	if (!_haveInput && _inputFile.empty()) return new Poco::JSON::Object;
	return readInput();
}

int FalconHost::workflow(const std::vector<std::string>& arguments)
{
	if (arguments.size() != 2 || (arguments[0] != "run" && arguments[0] != "check"))
		throw HostError("usage: falcon-host workflow run FILE.yaml | workflow check FILE.yaml");
	const Workflow::WorkflowLoader loader([this](const std::string& name) -> const Plugin::Action* {
		for (const auto& plugin : _plugins)
		{
			if (const Plugin::Action* found = plugin->find(name)) return found;
		}
		return nullptr;
	});
	Workflow::WorkflowDefinition definition;
	try
	{
		definition = loader.loadFile(arguments[1]);
	}
	catch (const Workflow::WorkflowInvalid& invalid)
	{
		for (const auto& problem : invalid.problems()) std::cerr << problem << "\n";
		std::cerr << "falcon-host: " << arguments[1] << ": " << invalid.problems().size()
				  << (invalid.problems().size() == 1 ? " problem" : " problems") << "; nothing was run\n";
		return HostError::USAGE;
	}
	if (arguments[0] == "check")
	{
		if (!_quiet) std::cerr << arguments[1] << ": ok (" << definition.steps.size() << " steps)\n";
		return 0;
	}

	Workflow::RunOptions options;
	options.connection = validatedConnection();
	options.inputs = readWorkflowInputs();
	options.connectionSecrets = _configuration.fields().secretValues(options.connection);
	options.cancelled = std::make_shared<Plugin::Cancellation>();
	options.abandoned = std::make_shared<Plugin::Cancellation>();
	options.revealOutputs = _revealOutputs;
	Workflow::StderrProgress progress(::isatty(STDERR_FILENO) == 1);
	if (!_quiet) options.progress = &progress;
	options.logger = &Poco::Logger::get("falcon.oauth2");

	Workflow::WorkflowRunner runner(definition, options);
	// Whatever logs during the run goes through the run's mask, and only while the mask lives.
	const Workflow::MaskedLogging masked(runner.mask(), {"falcon.host", "falcon.oauth2"});
	Poco::JSON::Object::Ptr record;
	try
	{
		const InterruptWatcher watcher(options.cancelled, options.abandoned);
		record = runner.run();
	}
	catch (const std::invalid_argument& e)
	{
		throw HostError(e.what());
	}
	print(record);
	return runner.status() == "success" ? 0 : 1;
}

}
} // namespace Falcon::Host
