#pragma once

#include "CertificateAuthority.h"

#include <Poco/Net/TCPServer.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Testing {

using Emulator::CertificateAuthority;
using Headers = std::vector<std::pair<std::string, std::string>>;

/// A request exactly as it arrived on the wire, and where it came from.
struct RecordedRequest
{
	unsigned connection = 0; ///< 1 for the first TCP connection the server accepted, and so on
	std::string raw; ///< request line, headers and body, byte for byte
	std::string method;
	std::string target;
	Headers headers; ///< in wire order and spelling
	std::string body;
	std::chrono::system_clock::time_point received; ///< when the whole request had arrived

	std::string header(const std::string& name) const;
};

/// What the server does with one request.
struct ScriptedReply
{
	int status = 200;
	Headers headers; ///< written in this order, spelled as given
	std::string body;
	std::chrono::milliseconds delay{0}; ///< before anything is written
	bool silent = false; ///< never answer (until the server stops)
	bool hangUp = false; ///< close the connection without answering
	bool close = false; ///< close the connection after this reply
	std::string raw; ///< when set, written instead of a formatted reply

	static ScriptedReply json(int status, const std::string& body, Headers headers = {});
};

/// A minimal HTTP/1.1 server on 127.0.0.1 (TLS or plain) that records every request byte for
/// byte and answers with whatever its handler scripts: the peer for wire-level client tests.
/// Keep-alive is honoured; the number of accepted connections is observable.
class ScriptedServer
{
public:
	using Handler = std::function<ScriptedReply(const RecordedRequest&)>;

	/// `tls` null: plain HTTP. `address` must be a loopback address.
	ScriptedServer(Handler handler, const CertificateAuthority::Issued* tls, const std::string& address = "127.0.0.1");
	~ScriptedServer();

	ScriptedServer(const ScriptedServer&) = delete;
	ScriptedServer& operator=(const ScriptedServer&) = delete;

	unsigned short port() const;
	/// https://ADDRESS:PORT (or http://)
	std::string baseUrl() const;

	void setHandler(Handler handler);
	std::vector<RecordedRequest> requests() const;
	std::size_t requestCount(const std::string& target) const;
	unsigned connections() const;

	struct State;

private:
	std::shared_ptr<State> _state;
	std::unique_ptr<Poco::Net::TCPServer> _server;
	bool _tls;
	std::string _address;
};

}
} // namespace Falcon::Testing
