#include "ScriptedServer.h"

#include "falcon/oauth2/http/ApiResult.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Falcon {
namespace Testing {

std::string RecordedRequest::header(const std::string& name) const
{
	return OAuth2::findHeader(headers, name);
}

ScriptedReply ScriptedReply::json(int status, const std::string& body, Headers headers)
{
	ScriptedReply reply;
	reply.status = status;
	reply.headers = std::move(headers);
	reply.headers.emplace_back("Content-Type", "application/json");
	reply.body = body;
	return reply;
}

struct ScriptedServer::State
{
	mutable std::mutex mutex;
	std::condition_variable idle;
	Handler handler;
	std::vector<RecordedRequest> requests;
	unsigned connections = 0;
	unsigned active = 0;
	std::atomic<bool> stopping{false};
};

namespace {

const char* reasonFor(int status)
{
	switch (status)
	{
	case 200: return "OK";
	case 201: return "Created";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

class ScriptedConnection: public Poco::Net::TCPServerConnection
{
public:
	ScriptedConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ScriptedServer::State> state):
		Poco::Net::TCPServerConnection(socket), _state(std::move(state))
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		_id = ++_state->connections;
		++_state->active;
	}

	~ScriptedConnection() override
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		--_state->active;
		_state->idle.notify_all();
	}

	void run() override
	{
		try
		{
			socket().setReceiveTimeout(Poco::Timespan(0, 100000));
			for (;;)
			{
				RecordedRequest request;
				if (!readRequest(request)) return;
				Handler handler;
				{
					std::lock_guard<std::mutex> lock(_state->mutex);
					_state->requests.push_back(request);
					handler = _state->handler;
				}
				const ScriptedReply reply = handler(request);
				if (!answer(reply) || reply.close) return;
			}
		}
		catch (const Poco::Exception&)
		{
			// The client went away or the handshake failed: both are things tests provoke.
		}
	}

private:
	using Handler = ScriptedServer::Handler;

	/// Reads with short timeouts so that a stopping server is never held up by an idle client.
	bool fill()
	{
		char buffer[4096];
		while (!_state->stopping)
		{
			try
			{
				const int n = socket().receiveBytes(buffer, sizeof(buffer));
				if (n <= 0) return false;
				_pending.append(buffer, static_cast<std::size_t>(n));
				return true;
			}
			catch (const Poco::TimeoutException&)
			{
			}
		}
		return false;
	}

	bool readRequest(RecordedRequest& request)
	{
		std::string::size_type end;
		while ((end = _pending.find("\r\n\r\n")) == std::string::npos)
		{
			if (!fill()) return false;
		}
		const std::string head = _pending.substr(0, end);
		std::size_t length = 0;
		std::string::size_type lineStart = head.find("\r\n");
		const std::string requestLine = head.substr(0, lineStart);
		const auto space1 = requestLine.find(' ');
		const auto space2 = requestLine.find(' ', space1 + 1);
		request.method = requestLine.substr(0, space1);
		request.target = requestLine.substr(space1 + 1, space2 - space1 - 1);
		while (lineStart != std::string::npos && lineStart < head.size())
		{
			const auto next = head.find("\r\n", lineStart + 2);
			const std::string line =
				head.substr(lineStart + 2, (next == std::string::npos ? head.size() : next) - lineStart - 2);
			const auto colon = line.find(':');
			if (colon != std::string::npos)
			{
				request.headers.emplace_back(line.substr(0, colon), Poco::trim(line.substr(colon + 1)));
				if (Poco::icompare(request.headers.back().first, "Content-Length") == 0)
					length = Poco::NumberParser::parseUnsigned(request.headers.back().second);
			}
			lineStart = next;
		}
		while (_pending.size() < end + 4 + length)
		{
			if (!fill()) return false;
		}
		request.raw = _pending.substr(0, end + 4 + length);
		request.body = _pending.substr(end + 4, length);
		_pending.erase(0, end + 4 + length);
		request.connection = _id;
		request.received = std::chrono::system_clock::now();
		return true;
	}

	bool answer(const ScriptedReply& reply)
	{
		if (reply.hangUp) return false;
		if (reply.silent)
		{
			std::unique_lock<std::mutex> lock(_state->mutex);
			_state->idle.wait(lock, [&] { return _state->stopping.load(); });
			return false;
		}
		if (reply.delay.count() > 0)
		{
			std::unique_lock<std::mutex> lock(_state->mutex);
			if (_state->idle.wait_for(lock, reply.delay, [&] { return _state->stopping.load(); })) return false;
		}
		std::string out = reply.raw;
		if (out.empty())
		{
			out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reasonFor(reply.status) + "\r\n";
			for (const auto& header : reply.headers) out += header.first + ": " + header.second + "\r\n";
			out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
			if (reply.close) out += "Connection: close\r\n";
			out += "\r\n" + reply.body;
		}
		socket().sendBytes(out.data(), static_cast<int>(out.size()));
		return true;
	}

	std::shared_ptr<ScriptedServer::State> _state;
	unsigned _id = 0;
	std::string _pending;
};

class ScriptedConnectionFactory: public Poco::Net::TCPServerConnectionFactory
{
public:
	explicit ScriptedConnectionFactory(std::shared_ptr<ScriptedServer::State> state): _state(std::move(state)) {}

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
	{
		return new ScriptedConnection(socket, _state);
	}

private:
	std::shared_ptr<ScriptedServer::State> _state;
};

Poco::Net::ServerSocket listen(const CertificateAuthority::Issued* tls, const std::string& address)
{
	const Poco::Net::SocketAddress loopback(address, 0);
	if (!loopback.host().isLoopback())
		throw Poco::InvalidArgumentException("test servers bind loopback addresses only");
	if (!tls) return Poco::Net::ServerSocket(loopback, 64);
	Poco::Net::Context::Params params;
	params.certificateFile = tls->certificateFile;
	params.privateKeyFile = tls->keyFile;
	params.verificationMode = Poco::Net::Context::VERIFY_NONE;
	Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
	return Poco::Net::SecureServerSocket(loopback, 64, context);
}

} // namespace

ScriptedServer::ScriptedServer(Handler handler, const CertificateAuthority::Issued* tls, const std::string& address):
	_state(std::make_shared<State>()), _tls(tls != nullptr), _address(address)
{
	_state->handler = std::move(handler);
	Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
	params->setMaxThreads(64);
	params->setMaxQueued(64);
	_server =
		std::make_unique<Poco::Net::TCPServer>(new ScriptedConnectionFactory(_state), listen(tls, address), params);
	_server->start();
}

ScriptedServer::~ScriptedServer()
{
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		_state->stopping = true;
		_state->idle.notify_all();
	}
	_server->stop();
	std::unique_lock<std::mutex> lock(_state->mutex);
	_state->idle.wait_for(lock, std::chrono::seconds(10), [&] { return _state->active == 0; });
}

unsigned short ScriptedServer::port() const
{
	return _server->socket().address().port();
}

std::string ScriptedServer::baseUrl() const
{
	return std::string(_tls ? "https" : "http") + "://" + _address + ":" + std::to_string(port());
}

void ScriptedServer::setHandler(Handler handler)
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	_state->handler = std::move(handler);
}

std::vector<RecordedRequest> ScriptedServer::requests() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->requests;
}

std::size_t ScriptedServer::requestCount(const std::string& target) const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	std::size_t count = 0;
	for (const auto& request : _state->requests)
	{
		if (request.target == target) ++count;
	}
	return count;
}

unsigned ScriptedServer::connections() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->connections;
}

}
} // namespace Falcon::Testing
