#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// How a program the tests ran ended, and what it printed.
struct Finished
{
	int status = -1;
	std::string out;
	std::string err;
	std::chrono::milliseconds took{0};

	/// For assertion messages.
	std::string label() const;
	/// Standard output read as a JSON object (throws if it is not one).
	Poco::JSON::Object::Ptr json() const;
};

/// What runs beside a program: given its process ID, for signals or requests to it.
using WhileRunning = std::function<void(pid_t)>;

/// Runs `command` (looked up in PATH) to completion with `arguments`, `stdinText` on its
/// standard input (then closed), `env` added to the environment, in `directory` ("" for here).
/// `whileRunning` (when given) runs beside it. A program still running after `limit` is killed
/// (status -1, and stderr says so): a hung child fails its test instead of hanging the suite.
///
/// Started with posix_spawn: nothing runs in the child before exec. (A fork from a test with many
/// threads, then library code in the child, can stop on a lock another thread held at the fork,
/// a sanitizer's allocator's for one.) Its pipes are close-on-exec, so no other child holds them.
Finished runProgram(const std::string& command, const std::vector<std::string>& arguments,
	const Poco::Process::Env& env = {}, const std::string& stdinText = "", const WhileRunning& whileRunning = {},
	const std::string& directory = "", std::chrono::seconds limit = std::chrono::seconds(180));

}
} // namespace Falcon::Testing
