#include "RedisServer.h"

#include "ScanRecord.h"
#include "TestDirectory.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <fstream>
#include <chrono>
#include <thread>

namespace Falcon {
namespace Testing {

namespace {

Poco::UInt16 freeLoopbackPort()
{
	Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
	return probe.address().port();
}

} // namespace

RedisServer::RedisServer(Options options): _options(std::move(options))
{
	static std::atomic<int> servers{0};
	_directory = testDirectory() + "/redis-" + std::to_string(++servers);
	Poco::File(_directory).createDirectories();
	// A port found free can still be taken before redis-server binds it (other tests' outgoing
	// connections draw from the same range): a server that did not come up gets new ports.
	for (int attempt = 1;; ++attempt)
	{
		_port = _options.unixSocket ? 0 : freeLoopbackPort();
		if (_options.tls) _adminPort = freeLoopbackPort();
		const std::string failure = launch();
		if (failure.empty()) return;
		if (attempt == 3) throw Poco::RuntimeException(failure);
	}
}

RedisServer::~RedisServer()
{
	try
	{
		if (_process) recordForScan("redis.dump", dump());
	}
	catch (const Poco::Exception&)
	{
		// A server the test left stalled or refusing: nothing to scan.
	}
	_admin.reset();
	kill();
}

std::string RedisServer::url() const
{
	if (_options.unixSocket) return "unix://" + _directory + "/redis.sock";
	if (!_options.tls) return "redis://127.0.0.1:" + std::to_string(_port) + "/0";
	std::string url = "rediss://127.0.0.1:" + std::to_string(_port) + "/0?ca_bundle=" + _options.tls->caFile;
	if (!_options.tls->clientCertificateFile.empty())
		url += "&client_cert=" + _options.tls->clientCertificateFile + "&client_key=" + _options.tls->clientKeyFile;
	return url;
}

void RedisServer::start()
{
	const std::string failure = launch();
	if (!failure.empty()) throw Poco::RuntimeException(failure);
}

std::string RedisServer::launch()
{
	// The password goes into a private configuration file, not into argv.
	const std::string configuration = _directory + "/redis.conf";
	{
		Poco::FileOutputStream out(configuration);
		Poco::File(configuration).setExecutable(false);
		out << "bind 127.0.0.1\nsave \"\"\nappendonly no\ndir " << _directory << "\nlogfile " << _directory
			<< "/redis.log\nenable-debug-command local\n";
		if (const auto& tls = _options.tls)
		{
			out << "port " << _adminPort << "\ntls-port " << _port << "\ntls-cert-file " << tls->certificateFile
				<< "\ntls-key-file " << tls->keyFile << "\ntls-ca-cert-file " << tls->caFile << "\ntls-auth-clients "
				<< (tls->requireClientCertificate ? "yes" : "no") << "\n";
		}
		else out << "port " << _port << "\n";
		if (_options.unixSocket) out << "unixsocket " << _directory << "/redis.sock\nunixsocketperm 700\n";
		if (!_options.password.empty()) out << "requirepass " << _options.password << "\n";
	}
	_process = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("redis-server", {configuration}));
	const std::string adminUrl = _options.tls ? "redis://127.0.0.1:" + std::to_string(_adminPort) + "/0" : url();
	_admin = std::make_unique<OAuth2::RedisSocket>(
		OAuth2::RedisAddress::parse(adminUrl, "test"), _options.password, std::chrono::seconds(5), 16 * 1024 * 1024);
	for (int attempt = 0; attempt < 200; ++attempt)
	{
		try
		{
			if (command({"PING"}).is("PONG")) return {};
		}
		catch (const Poco::Exception&)
		{
		}
		if (_process->tryWait() != -1)
		{
			_process.reset(); // reaped: nothing left to kill
			return "redis-server exited at " + url() + ": " + lastLogLine();
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(25));
	}
	kill();
	return "redis-server did not answer within 5 s at " + url() + ": " + lastLogLine();
}

std::string RedisServer::lastLogLine() const
{
	std::ifstream in(_directory + "/redis.log");
	std::string line, last;
	while (std::getline(in, line))
	{
		if (!line.empty()) last = line;
	}
	return last.empty() ? "(its log is empty)" : last;
}

void RedisServer::kill()
{
	if (!_process) return;
	Poco::Process::kill(*_process);
	_process->wait();
	_process.reset();
}

OAuth2::RedisReply RedisServer::command(const std::vector<std::string>& arguments)
{
	return _admin->exchange({arguments}, OAuth2::Clock::now() + std::chrono::seconds(5)).front();
}

std::string RedisServer::dump()
{
	// KEYS answers with an array, which the store's reader refuses: a script joins them instead.
	std::string all;
	const auto keys = command({"EVAL", "return table.concat(redis.call('KEYS', '*'), '\\n')", "0"});
	all += keys.text + "\n";
	std::size_t start = 0;
	while (start < keys.text.size())
	{
		const std::size_t end = std::min(keys.text.find('\n', start), keys.text.size());
		const std::string key = keys.text.substr(start, end - start);
		const auto value = command({"GET", key});
		all += value.text + "\n";
		start = end + 1;
	}
	return all;
}

}
} // namespace Falcon::Testing
