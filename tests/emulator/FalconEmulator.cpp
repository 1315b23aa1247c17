#include "FalconEmulator.h"

#include "CertificateAuthority.h"
#include "CloudRequestHandler.h"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

namespace Falcon {
namespace Emulator {

bool EmulatorState::pause(std::chrono::milliseconds delay)
{
	std::unique_lock<std::mutex> lock(mutex);
	return !wake.wait_for(lock, delay, [this] { return stopping.load(); });
}

namespace {

class CloudHandlerFactory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	CloudHandlerFactory(std::shared_ptr<EmulatorState> state, std::string cloud):
		_state(std::move(state)), _cloud(std::move(cloud))
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new CloudRequestHandler(_state, _cloud);
	}

private:
	std::shared_ptr<EmulatorState> _state;
	std::string _cloud;
};

} // namespace

std::string FalconEmulator::canonicalCloud(const std::string& name)
{
	const OAuth2::CloudRegion* region = OAuth2::RegionTable::falcon().find(name);
	if (!region)
		throw Poco::InvalidArgumentException(
			"unknown cloud '" + name + "' (expected one of " + OAuth2::RegionTable::falcon().names() + ")");
	return region->name;
}

bool FalconEmulator::isGovCloud(const std::string& cloud)
{
	return cloud.rfind("us-gov-", 0) == 0;
}

FalconEmulator::FalconEmulator(EmulatorOptions options):
	_state(std::make_shared<EmulatorState>()),
	// Every idle keep-alive connection holds a thread until it times out: room for a host's 256
	// sessions on every cloud at once, and a fan-out beside them.
	_threads(2, 1024)
{
	for (auto& cloud : options.clouds) cloud = canonicalCloud(cloud);
	if (options.clouds.empty()) throw Poco::InvalidArgumentException("clouds: at least one cloud is needed");
	_state->limiter.setLimit(options.rateLimit);
	_state->options = std::move(options);
}

FalconEmulator::~FalconEmulator()
{
	stop();
	if (!_temporaryDirectory.empty())
	{
		try
		{
			Poco::File(_temporaryDirectory).remove(true);
		}
		catch (const Poco::Exception&)
		{
			// Best effort: a leftover scratch directory is harmless.
		}
	}
}

void FalconEmulator::start()
{
	if (!_servers.empty()) return;
	const EmulatorOptions& options = _state->options;
	Poco::Net::Context::Ptr context;
	if (options.tls)
	{
		std::string directory = options.tlsDirectory;
		if (directory.empty()) directory = _temporaryDirectory = Poco::TemporaryFile::tempName();
		CertificateAuthority authority(directory, "Falcon Emulator CA", true);
		const auto issued = authority.issue("server", options.certificateDnsNames, options.certificateIpAddresses);
		_caFile = authority.caFile();
		Poco::Net::Context::Params params;
		params.certificateFile = issued.certificateFile;
		params.privateKeyFile = issued.keyFile;
		params.verificationMode = Poco::Net::Context::VERIFY_NONE;
		context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
		context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
	}
	for (std::size_t i = 0; i < options.clouds.size(); ++i)
	{
		const auto port = static_cast<Poco::UInt16>(options.firstPort == 0 ? 0 : options.firstPort + i);
		const Poco::Net::SocketAddress address(options.bindAddress, port);
		Poco::Net::ServerSocket socket =
			context ? Poco::Net::SecureServerSocket(address, 128, context) : Poco::Net::ServerSocket(address, 128);
		Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
		params->setKeepAlive(true);
		params->setMaxKeepAliveRequests(0);
		params->setKeepAliveTimeout(Poco::Timespan(30, 0));
		params->setMaxThreads(512);
		params->setMaxQueued(256);
		const std::string cloud = options.clouds[i];
		_state->baseUrls[cloud] = std::string(context ? "https" : "http") + "://" + options.bindAddress + ":"
			+ std::to_string(socket.address().port());
		_servers.push_back(
			std::make_unique<Poco::Net::HTTPServer>(new CloudHandlerFactory(_state, cloud), _threads, socket, params));
	}
	for (auto& server : _servers) server->start();
}

void FalconEmulator::stop()
{
	if (_servers.empty()) return;
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		_state->stopping = true;
		_state->wake.notify_all();
	}
	for (auto& server : _servers) server->stopAll(true);
	_threads.joinAll();
	_servers.clear();
	_state->stopping = false;
}

std::string FalconEmulator::baseUrl(const std::string& cloud) const
{
	const auto it = _state->baseUrls.find(canonicalCloud(cloud));
	if (it == _state->baseUrls.end()) throw Poco::NotFoundException("the emulator does not serve " + cloud);
	return it->second;
}

OAuth2::RegionTable FalconEmulator::regionTable() const
{
	std::vector<OAuth2::CloudRegion> regions;
	for (const auto& region : OAuth2::RegionTable::falcon().regions())
	{
		const auto it = _state->baseUrls.find(region.name);
		if (it == _state->baseUrls.end()) continue;
		OAuth2::CloudRegion local = region;
		local.baseUrl = it->second;
		regions.push_back(local);
	}
	return OAuth2::RegionTable(regions);
}

}
} // namespace Falcon::Emulator
