#include "ChildProcess.h"

#include "ScanRecord.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
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
	const auto has = [&](const std::string& word) { return std::find(arguments.begin(), arguments.end(), word) != arguments.end(); };
	const bool revealed = (has("run") && !has("workflow")) || has("--reveal-outputs");
	const std::string program = Poco::Path(command).getFileName();
	recordForScan(program + (revealed ? ".revealed.stdout" : ".stdout"), finished.out);
	recordForScan(program + ".stderr", finished.err);
}

} // namespace

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
	recordOutput(command, arguments, finished);
	return finished;
}

}} // namespace Falcon::Testing
