#include "CertificateAuthority.h"

#include <Poco/String.h>

#include <Poco/File.h>
#include <Poco/Path.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>

namespace Falcon {
namespace Emulator {

namespace {

struct KeyDeleter
{
	void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter
{
	void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

void check(bool ok, const char* what)
{
	if (!ok) throw std::runtime_error(std::string("CertificateAuthority: ") + what + " failed");
}

Key newKey()
{
	Key key(EVP_EC_gen("P-256"));
	check(key != nullptr, "EC key generation");
	return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value)
{
	X509V3_CTX context;
	X509V3_set_ctx_nodb(&context);
	X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
	X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
	check(extension != nullptr, "X509 extension");
	X509_add_ext(cert, extension, -1);
	X509_EXTENSION_free(extension);
}

Cert newCertificate(const std::string& commonName, EVP_PKEY* key)
{
	Cert cert(X509_new());
	check(cert != nullptr, "X509_new");
	X509_set_version(cert.get(), 2);
	// Random serials: certificates from different runs of a reused CA never collide.
	BIGNUM* serial = BN_new();
	check(serial != nullptr && BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "serial number");
	BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
	BN_free(serial);
	X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
	X509_NAME* name = X509_get_subject_name(cert.get());
	X509_NAME_add_entry_by_txt(
		name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
	X509_set_pubkey(cert.get(), key);
	return cert;
}

template <typename Writer>
/// Certificates are public (0644); private keys are their owner's alone (0600) from the moment
/// the file exists, even when it existed before.
void writePem(const std::string& path, Writer write, mode_t mode = 0644)
{
	const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	check(descriptor >= 0 && ::fchmod(descriptor, mode) == 0, "opening a PEM file");
	FILE* file = ::fdopen(descriptor, "w");
	check(file != nullptr, "opening a PEM file");
	const bool ok = write(file);
	const bool closed = std::fclose(file) == 0;
	check(ok && closed, "writing a PEM file");
}

template <typename Owned, typename Reader>
Owned readPem(const std::string& path, Reader read, const char* what)
{
	FILE* file = std::fopen(path.c_str(), "r");
	check(file != nullptr, what);
	Owned owned(read(file, nullptr, nullptr, nullptr));
	std::fclose(file);
	check(owned != nullptr, what);
	return owned;
}

Key readKey(const std::string& path)
{
	return readPem<Key>(path, PEM_read_PrivateKey, "reading the CA key");
}

Cert readCert(const std::string& path)
{
	return readPem<Cert>(path, PEM_read_X509, "reading the CA certificate");
}

} // namespace

CertificateAuthority::CertificateAuthority(const std::string& directory, const std::string& caName, bool reuse):
	_directory(directory), _caFile(Poco::Path(directory, "ca.pem").toString()),
	_caKeyFile(Poco::Path(directory, "ca.key").toString())
{
	Poco::File(directory).createDirectories();
	if (reuse && Poco::File(_caFile).exists() && Poco::File(_caKeyFile).exists()) return;
	Key key = newKey();
	Cert cert = newCertificate(caName, key.get());
	X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
	addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
	addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
	addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
	check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing the CA");
	writePem(_caFile, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
	// The CA key can mint certificates clients trust.
	writePem(
		_caKeyFile,
		[&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; }, 0600);
}

CertificateAuthority::Issued CertificateAuthority::issue(const std::string& fileStem,
	const std::vector<std::string>& dnsNames, const std::vector<std::string>& ipAddresses, Purpose purpose,
	bool expired)
{
	Key caKey = readKey(_caKeyFile);
	Cert caCert = readCert(_caFile);
	Key key = newKey();
	const std::string commonName =
		dnsNames.empty() ? (ipAddresses.empty() ? fileStem : ipAddresses.front()) : dnsNames.front();
	Cert cert = newCertificate(commonName, key.get());
	X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert.get()));
	std::vector<std::string> names;
	for (const auto& dns : dnsNames) names.push_back("DNS:" + dns);
	for (const auto& ip : ipAddresses) names.push_back("IP:" + ip);
	const std::string altNames = Poco::cat(std::string(","), names.begin(), names.end());
	if (!altNames.empty()) addExtension(cert.get(), caCert.get(), NID_subject_alt_name, altNames);
	addExtension(cert.get(), caCert.get(), NID_basic_constraints, "CA:FALSE");
	addExtension(cert.get(), caCert.get(), NID_ext_key_usage, purpose == Purpose::Client ? "clientAuth" : "serverAuth");
	if (expired)
	{
		X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600L * 24 * 30);
		X509_gmtime_adj(X509_getm_notAfter(cert.get()), -3600L * 24);
	}
	check(X509_sign(cert.get(), caKey.get(), EVP_sha256()) > 0, "signing a server certificate");

	Issued issued{
		Poco::Path(_directory, fileStem + ".pem").toString(), Poco::Path(_directory, fileStem + ".key").toString()};
	writePem(issued.certificateFile, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
	writePem(
		issued.keyFile,
		[&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; }, 0600);
	return issued;
}

}
} // namespace Falcon::Emulator
