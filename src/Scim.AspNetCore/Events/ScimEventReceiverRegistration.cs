using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Scim.AspNetCore.Events;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Schema;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers event receivers: SETs pushed (RFC 8935) or polled (RFC 8936).</summary>
public static class ScimEventReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Publishes every change as a signed SET (RFC 8417 with RFC 9967's SCIM events) to the receivers
    /// <paramref name="configure"/> adds: push receivers get them POSTed by a background sender,
    /// poll receivers collect them from <c>app.MapScimEventPolling(...)</c>; the signing key is
    /// published by <c>app.MapScimEventKeys()</c>. Each receiver has its own queue (the store's,
    /// durable, with the EF Core stores; in process otherwise), in order per resource, retried, and
    /// dead letters listed and replayed through <see cref="ScimEventReceivers"/>. ServiceProviderConfig
    /// advertises the event URIs (<c>securityEvents</c>). Safe to call more than once (configurations add up).
    /// </summary>
    /// <param name="builder">The builder from <c>AddScim()</c>.</param>
    /// <param name="configure">Sets the issuer and signing key and adds receivers.</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddEventReceivers(this ScimBuilder builder, Action<ScimSetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<ScimSetOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimSetOptions>, ScimSetOptionsValidator>());
        services.TryAddSingleton(sp => new ScimEventReceiverHub(
            sp.GetRequiredService<IOptions<ScimSetOptions>>(),
            sp.GetService<IScimReceiverQueue>(),
            sp.GetRequiredService<SchemaRegistry>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ScimEventReceiverHub>>()));
        services.TryAddSingleton(sp => new ScimEventReceivers(sp.GetRequiredService<ScimEventReceiverHub>()));
        // Redirects are not followed: a SET is accepted by the push endpoint's own answer (RFC 8935
        // §2.2), and a redirect (to a login page) turned the POST into a GET that answered 200.
        // The handler is configured, not replaced: one the host set up (a proxy, a client
        // certificate) stays.
        services.AddHttpClient(ScimPushSender.HttpClientName).ConfigurePrimaryHttpMessageHandler((handler, _) =>
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScimPushSender>(sp => new ScimPushSender(
            sp.GetRequiredService<ScimEventReceiverHub>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value.EventDelivery,
            sp.GetService<ILogger<ScimPushSender>>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScimEventSubscriber, ScimReceiverFanOut>());

        // What the receivers need of the events (the resource, for full events) and what discovery advertises.
        services.AddOptions<ScimServiceOptions>().Configure<IOptions<ScimSetOptions>>((scim, sets) =>
        {
            foreach (var receiver in sets.Value.Receivers)
            {
                scim.EventResources |= receiver.FullEvents;
                scim.SecurityEventUris.UnionWith(ScimSetWriter.Uris(receiver.FullEvents));
            }
        });
        return builder;
    }
}

/// <summary>Checks <see cref="ScimSetOptions"/> at startup.</summary>
internal sealed class ScimSetOptionsValidator : IValidateOptions<ScimSetOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimSetOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("ScimSetOptions.Issuer is required: the 'iss' of every SET (usually the service's public base URL).");
        }

        foreach (var duplicate in options.Receivers.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"Two event receivers are named '{duplicate.Key}'; a name identifies a receiver's queue.");
        }

        foreach (var shared in options.Receivers.Where(r => r.PollTokenHash is not null).GroupBy(r => Convert.ToHexString(r.PollTokenHash!)).Where(g => g.Count() > 1))
        {
            // The poll endpoint knows a receiver by its token alone: one of them would take the other's SETs.
            failures.Add($"The poll receivers {string.Join(" and ", shared.Select(r => $"'{r.Name}'"))} have the same token; each needs its own.");
        }

        foreach (var receiver in options.Receivers)
        {
            if (receiver.PushEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
            {
                failures.Add($"Event receiver '{receiver.Name}': its push endpoint must be an absolute http(s) URL; got '{endpoint}'.");
            }
        }

        if (options.SigningCredentials is { } credentials && SigningProblem(credentials) is { } problem)
        {
            failures.Add(problem);
        }

        if (options.PushTries < 1)
        {
            failures.Add("ScimSetOptions.PushTries must be at least 1.");
        }

        if (options.PushTimeout <= TimeSpan.Zero || options.LongPollWait < TimeSpan.Zero)
        {
            failures.Add("ScimSetOptions.PushTimeout must be positive and LongPollWait not negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Why SETs could not be signed with <paramref name="credentials"/>, or null: an EC key on
    /// another curve than its algorithm's (RFC 7518 §3.4: ES256 is P-256, ES384 P-384, ES512
    /// P-521), or a key that cannot sign (a public key alone). Found at startup rather than at the
    /// first SET, which would fail on every delivery.
    /// </summary>
    private static string? SigningProblem(SigningCredentials credentials)
    {
        var bits = credentials.Algorithm switch
        {
            SecurityAlgorithms.EcdsaSha256 or SecurityAlgorithms.EcdsaSha256Signature => 256,
            SecurityAlgorithms.EcdsaSha384 or SecurityAlgorithms.EcdsaSha384Signature => 384,
            SecurityAlgorithms.EcdsaSha512 or SecurityAlgorithms.EcdsaSha512Signature => 521,
            _ => 0,
        };
        if (credentials.Key is ECDsaSecurityKey ec && bits != 0 && ec.KeySize != bits)
        {
            return $"ScimSetOptions.SigningCredentials: {credentials.Algorithm} signs with a key on curve P-{bits}, and this key is of {ec.KeySize} bits (RFC 7518 §3.4).";
        }

        try
        {
            var factory = credentials.CryptoProviderFactory ?? credentials.Key.CryptoProviderFactory;
            var signer = factory.CreateForSigning(credentials.Key, credentials.Algorithm);
            try
            {
                signer.Sign("probe"u8.ToArray());
            }
            finally
            {
                factory.ReleaseSignatureProvider(signer);
            }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or NotSupportedException or ArgumentException or InvalidOperationException or SecurityTokenException)
        {
            return $"ScimSetOptions.SigningCredentials cannot sign SETs ({credentials.Algorithm}): {e.Message} A private key is needed.";
        }

        return null;
    }
}
