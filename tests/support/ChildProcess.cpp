#include "ChildProcess.h"

#include "ScanRecord.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/Exception.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <thread>

namespace Falcon {
namespace Testing {

std::string Finished::label() const
{
	return "status " + std::to_string(status) + "\nstdout: " + out + "\nstderr: " + err;
}

Poco::JSON::Object::Ptr Finished::json() const
{
	Poco::JSON::Parser parser;
	return parser.parse(out).extract<Poco::JSON::Object::Ptr>();
}

namespace {

/// When the test suite records what it wrote ($FALCON_TEST_RECORD_DIR), a program's output is
/// kept there for the final scan for secrets, as `N-PROGRAM.stdout|stderr`; standard output
/// that shows a token because the user asked for it (`falcon-host run`, `--reveal-outputs`) as
/// `N-PROGRAM.revealed.stdout`.
void recordOutput(const std::string& command, const std::vector<std::string>& arguments, const Finished& finished)
{
	const auto has = [&](const std::string& word) {
		return std::find(arguments.begin(), arguments.end(), word) != arguments.end();
	};
	const bool revealed = (has("run") && !has("workflow")) || has("--reveal-outputs");
	const std::string program = Poco::Path(command).getFileName();
	recordForScan(program + (revealed ? ".revealed.stdout" : ".stdout"), finished.out);
	recordForScan(program + ".stderr", finished.err);
}

} // namespace

namespace {

/// A pipe whose ends are closed when it goes (and on exec in every child).
struct OwnPipe
{
	int ends[2] = {-1, -1};
	OwnPipe()
	{
		if (::pipe2(ends, O_CLOEXEC) != 0) throw Poco::SystemException("pipe2", errno);
	}
	~OwnPipe() { closeEnd(0), closeEnd(1); }
	void closeEnd(int which)
	{
		if (ends[which] >= 0) ::close(ends[which]);
		ends[which] = -1;
	}
};

std::string drain(int fd)
{
	std::string text;
	char buffer[4096];
	for (;;)
	{
		const ssize_t got = ::read(fd, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR) continue;
		if (got <= 0) return text;
		text.append(buffer, static_cast<std::size_t>(got));
	}
}

/// Writes `text` to a child's standard input. A child that is gone (or never reads) ends the write
/// with EPIPE, not the test process with SIGPIPE: the signal is blocked in this thread for the
/// write, and one it raised is taken before the mask is restored.
void writeInput(int fd, const std::string& text)
{
	sigset_t pipeSignal, previous;
	sigemptyset(&pipeSignal);
	sigaddset(&pipeSignal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
	bool broken = false;
	for (std::size_t written = 0; written < text.size();)
	{
		const ssize_t put = ::write(fd, text.data() + written, text.size() - written);
		if (put < 0 && errno == EINTR) continue;
		if (put <= 0)
		{
			broken = true;
			break;
		}
		written += static_cast<std::size_t>(put);
	}
	const timespec now{0, 0};
	if (broken) ::sigtimedwait(&pipeSignal, nullptr, &now);
	pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

/// Our environment with `env`'s entries added or replaced, as execve wants it.
std::vector<std::string> environmentWith(const Poco::Process::Env& env)
{
	std::map<std::string, std::string> merged;
	for (char** entry = environ; *entry; ++entry)
	{
		const std::string text = *entry;
		const auto equals = text.find('=');
		if (equals != std::string::npos) merged[text.substr(0, equals)] = text.substr(equals + 1);
	}
	for (const auto& entry : env) merged[entry.first] = entry.second;
	std::vector<std::string> entries;
	for (const auto& entry : merged) entries.push_back(entry.first + "=" + entry.second);
	return entries;
}

std::vector<char*> pointersTo(std::vector<std::string>& texts)
{
	std::vector<char*> pointers;
	for (auto& text : texts) pointers.push_back(&text[0]);
	pointers.push_back(nullptr);
	return pointers;
}

} // namespace

Finished runProgram(const std::string& command, const std::vector<std::string>& arguments,
	const Poco::Process::Env& env, const std::string& stdinText, const WhileRunning& whileRunning,
	const std::string& directory, std::chrono::seconds limit)
{
	OwnPipe in, out, err;
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, in.ends[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&actions, out.ends[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, err.ends[1], STDERR_FILENO);
	if (!directory.empty()) posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
	std::vector<std::string> argumentTexts{command};
	argumentTexts.insert(argumentTexts.end(), arguments.begin(), arguments.end());
	std::vector<std::string> environmentTexts = environmentWith(env);
	std::vector<char*> argv = pointersTo(argumentTexts);
	std::vector<char*> envp = pointersTo(environmentTexts);
	const auto started = std::chrono::steady_clock::now();
	pid_t pid = -1;
	const int spawned = ::posix_spawnp(&pid, command.c_str(), &actions, nullptr, argv.data(), envp.data());
	posix_spawn_file_actions_destroy(&actions);
	if (spawned != 0) throw Poco::SystemException("cannot start " + command, spawned);
	in.closeEnd(0);
	out.closeEnd(1);
	err.closeEnd(1);

	Finished finished;
	std::atomic<bool> done{false};
	std::atomic<bool> killed{false};
	// Both pipes drain at once, or a chatty child could block on a full one.
	std::thread drainErr([&] { finished.err = drain(err.ends[0]); });
	std::thread work([&] {
		if (whileRunning) whileRunning(pid);
	});
	std::thread watchdog([&] {
		const auto until = started + limit;
		while (!done && std::chrono::steady_clock::now() < until)
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		if (!done && ::kill(pid, SIGKILL) == 0) killed = true;
	});
	writeInput(in.ends[1], stdinText);
	in.closeEnd(1);
	finished.out = drain(out.ends[0]);
	drainErr.join();
	work.join();
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
	{
	}
	done = true;
	watchdog.join();
	finished.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (killed) finished.err += "\n[runProgram: killed after " + std::to_string(limit.count()) + " s]";
	finished.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
	recordOutput(command, arguments, finished);
	return finished;
}

}
} // namespace Falcon::Testing
