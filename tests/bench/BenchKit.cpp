#include "BenchKit.h"

#include "CertificateAuthority.h"
#include "TestDirectory.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <dlfcn.h>

#include <cstring>

#include <iomanip>
#include <sstream>

namespace Falcon {
namespace Bench {

const std::string CLIENT = "benchclient0123456789abcdef01234";
const std::string SECRET = "bench-secret-value";
std::string emulatorUrl;
std::string emulatorCa;
Plugin::PluginLoader* plugin = nullptr;

Poco::JSON::Object::Ptr connection()
{
	Poco::JSON::Object::Ptr connection = new Poco::JSON::Object;
	connection->set("base_url", emulatorUrl);
	connection->set("client_id", CLIENT);
	connection->set("client_secret", SECRET);
	connection->set("ca_bundle", emulatorCa);
	return connection;
}

std::string connectionJson()
{
	std::ostringstream out;
	connection()->stringify(out);
	return out.str();
}

Poco::JSON::Object::Ptr object(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

RawWire::RawWire()
{
	Poco::Net::Context::Params params;
	params.caLocation = emulatorCa;
	params.loadDefaultCAs = false;
	params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
	const Poco::URI uri(emulatorUrl);
	_session = std::make_unique<Poco::Net::HTTPSClientSession>(
		uri.getHost(), uri.getPort(), new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
	_session->setKeepAlive(true);
}

std::string RawWire::post(const std::string& path, const std::string& body, const std::string& authorization)
{
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setContentType("application/x-www-form-urlencoded");
	request.setContentLength(static_cast<std::streamsize>(body.size()));
	if (!authorization.empty()) request.set("Authorization", authorization);
	request.setKeepAlive(true);
	_session->sendRequest(request) << body;
	Poco::Net::HTTPResponse response;
	std::string reply;
	Poco::StreamCopier::copyToString(_session->receiveResponse(response), reply);
	return reply;
}

const Falcon::Plugin::Action& action(const std::string& name)
{
	return *plugin->find(name);
}

Falcon::Plugin::ActionResult invoke(
	const std::string& name, const Poco::JSON::Object::Ptr& input, const Poco::JSON::Object::Ptr& with)
{
	static Poco::Logger& logger = Poco::Logger::get("bench");
	// One connection for every thread, as a host with a pool of workers keeps it: borrowed.
	const auto context =
		Falcon::Plugin::ActionContext::borrowing(with, logger, Clock::now() + std::chrono::seconds(30));
	return action(name).invoke(input, context);
}

/// Side by side: each iteration makes the baseline call and the contender's call back to back,
/// in alternating order, so both see the same machine at the same moment. Latencies of each go
/// to their own counters (base_p50_us... and p50_us...).
void pairedLoop(benchmark::State& state, const Call& baseline, const Call& contender)
{
	Latencies base, ours;
	auto timed = [](const Call& call, Latencies& into) {
		const auto started = Clock::now();
		const bool ok = call();
		into.add(Clock::now() - started);
		return ok;
	};
	bool contenderFirst = false;
	for (auto _ : state)
	{
		const bool ok = contenderFirst ? timed(contender, ours) && timed(baseline, base)
									   : timed(baseline, base) && timed(contender, ours);
		contenderFirst = !contenderFirst;
		if (!ok) state.SkipWithError("a call failed");
	}
	base.report(state, "base_");
	ours.report(state, "");
}

/// The plugin's action through Action::invoke, with the same input each call.
Call pluginCall(const std::string& name, const std::string& input)
{
	const auto with = connection();
	const auto given = object(input);
	return [=] { return invoke(name, given, with).ok(); };
}

Call cAbiCall(const std::string& name, const std::string& input)
{
	// The module the loader holds already: this handle only adds a reference to it.
	void* module = dlopen(FALCON_PLUGIN_MODULE, RTLD_NOW | RTLD_LOCAL);
	if (!module) throw std::runtime_error(std::string("cannot open the plugin module: ") + dlerror());
	using Invoke = char* (*)(const char*, const char*, const char*);
	using Free = void (*)(char*);
	Invoke invokeC;
	Free release;
	*reinterpret_cast<void**>(&invokeC) = dlsym(module, "falcon_plugin_invoke");
	*reinterpret_cast<void**>(&release) = dlsym(module, "falcon_plugin_free");
	const std::string with = connectionJson();
	const std::string operation = action(name).operationId();
	return [=] {
		char* out = invokeC(operation.c_str(), input.c_str(), with.c_str());
		const bool ok = out && std::strstr(out, "\"status_code\":201") != nullptr;
		release(out);
		return ok;
	};
}

std::optional<double> p50Of(const Call& call, int calls)
{
	std::vector<double> samples;
	samples.reserve(static_cast<std::size_t>(calls));
	for (int i = 0; i < calls; ++i)
	{
		const auto started = Clock::now();
		if (!call()) return std::nullopt;
		samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
	}
	return median(samples);
}

const std::string REDIS_PASSWORD = "bench-redis/Pass+word=5";

Testing::RedisServer& redisServer()
{
	static Testing::RedisServer server(Testing::RedisServer::Options{REDIS_PASSWORD, false, {}});
	return server;
}

Testing::RedisServer& redisTlsServer()
{
	static Emulator::CertificateAuthority authority(Testing::testDirectory() + "/redis-pki", "Bench Redis CA");
	static const auto issued = authority.issueLoopback("redis");
	static Testing::RedisServer server(Testing::RedisServer::Options{REDIS_PASSWORD, false,
		Testing::RedisServer::Tls{issued.certificateFile, issued.keyFile, authority.caFile(), false, "", ""}});
	return server;
}

Call rawCall(const std::shared_ptr<RawWire>& wire, const std::string& path, const std::string& form,
	const std::string& authorization)
{
	return [=] { return !wire->post(path, form, authorization).empty(); };
}

std::string inMicroseconds(double value)
{
	std::ostringstream out;
	out << std::fixed << std::setprecision(value < 10 ? 2 : 0) << value << " us";
	return out.str();
}

double median(std::vector<double> values)
{
	std::sort(values.begin(), values.end());
	return values[values.size() / 2];
}

}
} // namespace Falcon::Bench
