#include "ChildProcess.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

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

Finished runProgram(const std::string& command, const std::vector<std::string>& arguments, const Poco::Process::Env& env,
	const std::string& stdinText, const std::function<void(Poco::ProcessHandle&)>& whileRunning, const std::string& directory)
{
	Poco::Pipe inPipe, outPipe, errPipe;
	const auto started = std::chrono::steady_clock::now();
	Poco::ProcessHandle handle = Poco::Process::launch(command, arguments, directory, &inPipe, &outPipe, &errPipe, env);
	{
		Poco::PipeOutputStream in(inPipe);
		in << stdinText;
	}
	inPipe.close();
	Finished finished;
	// Both pipes drain at once, or a chatty child could block on a full one.
	std::thread drainErr([&] { Poco::PipeInputStream err(errPipe); Poco::StreamCopier::copyToString(err, finished.err); });
	std::thread work([&] { if (whileRunning) whileRunning(handle); });
	Poco::PipeInputStream out(outPipe);
	Poco::StreamCopier::copyToString(out, finished.out);
	drainErr.join();
	work.join();
	finished.status = handle.wait();
	finished.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
	return finished;
}

} } // namespace Falcon::Testing
