// The sample's event receivers: SETs (RFC 8417 / RFC 9967) pushed to the URLs given as
// --Sample:Receivers:<name>=<url> (RFC 8935), and a poll endpoint for --Sample:PollToken=<token>
// (RFC 8936), signed with an EC P-256 key kept in a PEM file (--Sample:SigningKey=<path>, by
// default scim-sample-signing-key.pem in the content root, created on first use) so that
// receivers can keep checking signatures across restarts. Nothing is registered without receivers.
// --Sample:EventDelivery:<option>=<value> tunes delivery (ScimEventDeliveryOptions: LeaseDuration,
// RetryDelay, PollInterval, ...), for the subscribers and the receivers alike.
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Scim.Core;

namespace Scim.Sample;

/// <summary>The sample's event receivers, from the "Sample" configuration section.</summary>
internal sealed class SampleEvents
{
    public const string PollPath = "/scim/events/poll";
    public const string KeysPath = "/.well-known/scim-events/jwks.json";
    public const string PollReceiver = "poll";

    private readonly IConfigurationSection _delivery;

    private SampleEvents(IReadOnlyDictionary<string, Uri> push, string? pollToken, string issuer, string keyFile, IConfigurationSection delivery)
    {
        _delivery = delivery;
        Push = push;
        PollToken = pollToken;
        Issuer = issuer;
        KeyFile = keyFile;
    }

    /// <summary>Push receivers by name.</summary>
    public IReadOnlyDictionary<string, Uri> Push { get; }

    /// <summary>The poll receiver's token, or <see langword="null"/> for none.</summary>
    public string? PollToken { get; }

    /// <summary>The SETs' issuer.</summary>
    public string Issuer { get; }

    /// <summary>The signing key's PEM file.</summary>
    public string KeyFile { get; }

    /// <summary>Whether any receiver is configured.</summary>
    public bool Any => Push.Count > 0 || PollToken is not null;

    /// <summary>Reads the receivers; a bad value stops the sample with the reason.</summary>
    public static SampleEvents From(IConfiguration configuration, string contentRoot)
    {
        var push = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("Sample:Receivers").GetChildren())
        {
            if (!Uri.TryCreate(entry.Value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"Sample:Receivers:{entry.Key} must be an absolute http(s) URL to push SETs to; got '{entry.Value}'.");
            }

            push[entry.Key] = url;
        }

        var pollToken = configuration["Sample:PollToken"];
        if (pollToken is not null && pollToken.Length < 16)
        {
            throw new InvalidOperationException("Sample:PollToken must be at least 16 characters.");
        }

        if (pollToken is not null && push.ContainsKey(PollReceiver))
        {
            throw new InvalidOperationException($"Sample:Receivers:{PollReceiver} is taken by the poll receiver of Sample:PollToken; choose another name.");
        }

        var issuer = configuration["Sample:Issuer"] ?? "scim-sample";
        var keyFile = configuration["Sample:SigningKey"] ?? Path.Combine(contentRoot, "scim-sample-signing-key.pem");
        if (string.IsNullOrWhiteSpace(keyFile) || Directory.Exists(Path.GetFullPath(keyFile, contentRoot)))
        {
            throw new InvalidOperationException($"Sample:SigningKey must name a PEM file; got '{keyFile}'.");
        }

        var delivery = configuration.GetSection("Sample:EventDelivery");
        CheckDelivery(delivery);
        return new SampleEvents(push, pollToken, issuer, Path.GetFullPath(keyFile, contentRoot), delivery);
    }

    /// <summary>Sample:EventDelivery:&lt;option&gt;: names of ScimEventDeliveryOptions, with values its binder reads; said in the option's terms when not.</summary>
    private static void CheckDelivery(IConfigurationSection delivery)
    {
        var known = typeof(Scim.Core.Events.ScimEventDeliveryOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToList();
        foreach (var entry in delivery.GetChildren())
        {
            if (!known.Contains(entry.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Sample:EventDelivery:{entry.Key} is not an event delivery option; they are {string.Join(", ", known)}.");
            }
        }

        try
        {
            delivery.Bind(new Scim.Core.Events.ScimEventDeliveryOptions());
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Sample:EventDelivery has a value that is not one of its option's type: {error.InnerException?.Message ?? error.Message}", error);
        }
    }

    /// <summary>Registers the receivers (when there are any).</summary>
    public void Register(ScimBuilder scim)
    {
        if (_delivery.Exists())
        {
            scim.ConfigureService(o => _delivery.Bind(o.EventDelivery, b => b.ErrorOnUnknownConfiguration = true));
        }

        if (Any)
        {
            AddReceivers(scim);
        }
    }

    // Its own method, so the token libraries load only when there are receivers.
    private void AddReceivers(ScimBuilder scim)
    {
        var credentials = SigningCredentials();
        scim.AddEventReceivers(o =>
        {
            o.Issuer = Issuer;
            o.SigningCredentials = credentials;
            foreach (var (name, url) in Push)
            {
                o.AddPushReceiver(name, url, url.ToString());
            }

            if (PollToken is not null)
            {
                o.AddPollReceiver(PollReceiver, "scim-sample-poll", PollToken);
            }
        });
    }

    /// <summary>Maps the poll and key endpoints (when there are receivers).</summary>
    public void Map(WebApplication app)
    {
        if (!Any)
        {
            return;
        }

        app.MapScimEventKeys(KeysPath);
        if (PollToken is not null)
        {
            app.MapScimEventPolling(PollPath);
        }
    }

    /// <summary>The key from its PEM file, created (readable by its owner only) when missing.</summary>
    private SigningCredentials SigningCredentials()
    {
        var key = ECDsa.Create();
        if (File.Exists(KeyFile))
        {
            try
            {
                key.ImportFromPem(File.ReadAllText(KeyFile));
            }
            catch (Exception error) when (error is ArgumentException or CryptographicException)
            {
                throw new InvalidOperationException($"Sample:SigningKey '{KeyFile}' is not an EC P-256 private key in PEM: {error.Message}", error);
            }

            // ES256 signs with P-256 (RFC 7518 §3.4), and only a private key signs.
            if (key.KeySize != 256)
            {
                throw new InvalidOperationException($"Sample:SigningKey '{KeyFile}' is an EC key of {key.KeySize} bits; SETs are signed with ES256, which needs a P-256 key.");
            }

            try
            {
                key.SignData("probe"u8, HashAlgorithmName.SHA256);
            }
            catch (CryptographicException error)
            {
                throw new InvalidOperationException($"Sample:SigningKey '{KeyFile}' holds no private key (a public key cannot sign SETs): {error.Message}", error);
            }
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new StreamWriter(KeyFile, System.Text.Encoding.ASCII, options);
            file.Write(key.ExportECPrivateKeyPem());
        }

        // The key id is the public key's thumbprint, so it stays the same across restarts.
        var point = key.ExportParameters(false).Q;
        var kid = Base64UrlEncoder.Encode(SHA256.HashData([.. point.X!, .. point.Y!]))[..16];
        return new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256);
    }
}
