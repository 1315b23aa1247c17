#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

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

/// Runs `command` to completion with `arguments`, `stdinText` on its standard input (then
/// closed), `env` added to the environment, in `directory` ("" for here). `whileRunning` (when
/// given) runs beside it, for signals or requests to the running program.
Finished runProgram(const std::string& command, const std::vector<std::string>& arguments,
	const Poco::Process::Env& env = {}, const std::string& stdinText = "",
	const std::function<void(Poco::ProcessHandle&)>& whileRunning = {}, const std::string& directory = "");

}} // namespace Falcon::Testing
