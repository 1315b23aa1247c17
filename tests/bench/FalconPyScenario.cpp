//
// FalconPyScenario.cpp
//
// 12. FalconPy's own service classes on the bridge's tokens beside FalconPy's own tokens
// (python_falconpy.py, with the real FalconPy from the peers folder).
//

#include "BenchKit.h"

#include <Poco/Environment.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

namespace Falcon {
namespace Bench {

namespace {

/// The script's exit status when FalconPy is not in the peers folder.
constexpr int NO_FALCONPY = 77;

Row row(const std::string& contender)
{
	Row made;
	made.measure = "12 FalconPy bridge";
	made.contender = contender;
	return made;
}

} // namespace

std::vector<Row> falconPyBridge()
{
	Poco::Process::Env env;
	env["PYTHONPATH"] = std::string(FALCON_PYTHON_STAGE) + ":" + FALCON_PYTHON_TESTS;
	env["FALCON_PLUGIN_PATH"] = FALCON_PLUGIN_MODULE;
	env["FALCON_EMULATOR_BINARY"] = FALCON_EMULATOR_BINARY;
	env["PYTHONDONTWRITEBYTECODE"] = "1";
	if (Poco::Environment::has("FALCON_PEERS")) env["FALCON_PEERS"] = Poco::Environment::get("FALCON_PEERS");
	Poco::Pipe out;
	Poco::ProcessHandle handle = Poco::Process::launch(
		FALCON_PYTHON, {FALCON_FALCONPY_BENCH, "300"}, FALCON_PYTHON_TESTS, nullptr, &out, nullptr, env);
	Poco::PipeInputStream in(out);
	std::string text;
	Poco::StreamCopier::copyToString(in, text);
	const int status = handle.wait();
	if (status == NO_FALCONPY)
	{
		Row skipped = row("FalconPy not in the peers folder");
		skipped.verdict = "";
		return {skipped};
	}
	const auto figures = status == 0 ? object(text) : Poco::JSON::Object::Ptr(new Poco::JSON::Object);

	Row herd = row("3 classes x 5 threads, stale token (vs FalconPy)");
	const int ours = figures->optValue("bridge_stale_token_requests", -1);
	const int theirs = figures->optValue("falconpy_stale_token_requests", -1);
	herd.median = std::to_string(ours) + " vs " + std::to_string(theirs) + " requests";
	herd.target = "1 token request";
	herd.verdict = ours == 1 ? "pass" : "FAIL";
	herd.figures->set("token_requests", ours);
	herd.figures->set("falconpy_token_requests", theirs);

	Row data = row("Hosts data call (vs FalconPy's own tokens)");
	const double bridged = figures->optValue("bridge_data_call_us", 0.0);
	const double own = figures->optValue("falconpy_data_call_us", 0.0);
	data.median = inMicroseconds(bridged) + " vs " + inMicroseconds(own);
	data.ratio = own > 0 ? bridged / own : 0;
	data.target = "<= 1.05x";
	data.verdict = data.ratio > 0 && data.ratio <= 1.05 ? "pass" : "FAIL";
	data.figures->set("p50_us", bridged);
	data.figures->set("falconpy_p50_us", own);

	Row processes = row("20 processes build Hosts, file store");
	const int mints = figures->optValue("process_mints", -1);
	processes.median = std::to_string(mints) + " mint(s)";
	processes.target = "1 token";
	processes.verdict = mints == 1 ? "pass" : "FAIL";
	processes.figures->set("tokens", mints);
	return {herd, data, processes};
}

}
} // namespace Falcon::Bench
