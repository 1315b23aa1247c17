#include "EmulatorProcess.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Pipe.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include <sys/stat.h>

#include <chrono>
#include <thread>

namespace Falcon {
namespace Testing {

EmulatorProcess::EmulatorProcess(const std::string& binary, const std::string& clientId,
	const std::string& clientSecret, const std::vector<std::string>& extraArguments, int core):
	_work(Poco::TemporaryFile::tempName())
{
	Poco::File(_work).createDirectories();
	const std::string clients = _work + "/clients.json";
	{
		Poco::JSON::Object client;
		client.set("client_id", clientId);
		client.set("client_secret", clientSecret);
		client.set("cloud", "us-1");
		Poco::JSON::Array list;
		list.add(client);
		Poco::JSON::Object document;
		document.set("clients", list);
		Poco::FileOutputStream out(clients);
		document.stringify(out);
	}
	::chmod(clients.c_str(), 0600);
	const std::string readyFile = _work + "/ready.json";
	std::vector<std::string> arguments{
		"--clients", clients, "--clouds", "us-1", "--tls-dir", _work + "/tls", "--ready-file", readyFile};
	arguments.insert(arguments.end(), extraArguments.begin(), extraArguments.end());
	_pinned = core >= 0 && Poco::File("/usr/bin/taskset").exists();
	if (_pinned) arguments.insert(arguments.begin(), {"-c", std::to_string(core), binary});
	Poco::Pipe out;
	_process = std::make_unique<Poco::ProcessHandle>(
		Poco::Process::launch(_pinned ? "/usr/bin/taskset" : binary, arguments, nullptr, &out, nullptr));
	for (int i = 0; i < 400 && !Poco::File(readyFile).exists(); ++i)
		std::this_thread::sleep_for(std::chrono::milliseconds(25));
	if (!Poco::File(readyFile).exists())
	{
		stop();
		throw Poco::RuntimeException("the emulator (" + binary + ") did not start within 10 s");
	}
	Poco::FileInputStream in(readyFile);
	const auto ready = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
	_baseUrl = ready->getObject("clouds")->getValue<std::string>("us-1");
	_caFile = ready->getValue<std::string>("ca_file");
}

EmulatorProcess::~EmulatorProcess()
{
	stop();
}

void EmulatorProcess::stop()
{
	if (_process)
	{
		Poco::Process::requestTermination(_process->id());
		_process->wait();
		_process.reset();
	}
	try
	{
		if (Poco::File(_work).exists()) Poco::File(_work).remove(true);
	}
	catch (const Poco::Exception&)
	{
		// A scratch directory left in /tmp is harmless.
	}
}

Poco::JSON::Object::Ptr EmulatorProcess::stats() const
{
	const Poco::URI uri(_baseUrl);
	Poco::Net::Context::Params params;
	params.caLocation = _caFile;
	params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
	Poco::Net::HTTPSClientSession session(
		uri.getHost(), uri.getPort(), new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
	session.setTimeout(Poco::Timespan(10, 0));
	Poco::Net::HTTPRequest request(
		Poco::Net::HTTPRequest::HTTP_GET, "/emulator/stats", Poco::Net::HTTPMessage::HTTP_1_1);
	session.sendRequest(request);
	Poco::Net::HTTPResponse response;
	std::istream& body = session.receiveResponse(response);
	return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

}
} // namespace Falcon::Testing
