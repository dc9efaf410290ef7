// The quick-trial SCIM server: Scim.AspNetCore over the EF Core stores on a SQLite file (created and
// migrated on first start, so a trial survives a restart), or PostgreSQL, or the in-memory stores,
// protected by the built-in bearer-token scheme. Its command line is a stable interface: --urls,
// --Sample:Token=<token>, --Sample:PatchResponse=204|200, --Sample:Store=memory|sqlite|postgres,
// --Sample:ConnectionString=<...>, --Sample:ReplicaConnectionString=<...>, --Sample:Telemetry=none|console|otlp.
// /health/ready checks the database; /health/live the process. Multi-tenant endpoints live at /tenants/{tenant}/scim/v2, with
// tokens from Sample:Tenants:<tenant>=<token>. /activity shows the changes live (Activity/).
// Changes go as signed SETs to --Sample:Receivers:<name>=<url> and a poll endpoint for
// --Sample:PollToken=<token>; --Sample:EventDelivery:<option>=<value> tunes delivery (SampleEvents.cs).
// --Sample:Agents=true serves AI agents (SampleAgents.cs).
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scim.AspNetCore;
using Scim.Core.Diagnostics;
using Scim.Core.Stores;
using Scim.Sample.Activity;
using Scim.Sample;

// The slim builder leaves out what this server does not use (IIS integration, HTTP/3, regular
// expressions in route constraints, the Debug and EventSource log providers) and costs less memory;
// HTTPS endpoints (--urls https://..., Kestrel's certificate settings) are added back.
WebApplicationBuilder builder;
try
{
    builder = WebApplication.CreateSlimBuilder(args);
}
catch (FormatException error)
{
    return SampleStartup.Failed(error); // the command line itself (an option with one dash)
}

builder.WebHost.UseKestrelHttpsConfiguration();

// Logging defaults that hold wherever the content root is; appsettings.json, the environment and
// the command line (e.g. --Logging:LogLevel:Microsoft.AspNetCore=Information) override them.
// ASP.NET Core's per-request lines would put every URL in the log, with its filter values (user
// names, emails) and any token a client sends in the query string; the library logs no
// credential and no filter or attribute value (names and ids only) at any level.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
    },
});
// A bad option, a database that cannot be reached or migrated, a key that cannot sign: the sample
// stops at startup with the reason on standard error and exit code 1, not a stack trace.
SampleOptions options;
SampleEvents events;
SampleAgents agents;
WebApplication app;
try
{
    options = SampleOptions.From(builder.Configuration, builder.Environment.ContentRootPath);
    foreach (var url in (builder.Configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        // Checked before Kestrel starts, which logs a malformed one with a stack trace first.
        Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
    }

    events = SampleEvents.From(builder.Configuration, builder.Environment.ContentRootPath);
    if (events.PollToken is { } pollToken && (pollToken == options.Token || options.Tenants.Values.Contains(pollToken)))
    {
        // The poll receiver reads every tenant's changes: a SCIM client holding its token could too.
        throw new InvalidOperationException($"Sample:PollToken is also a SCIM token ({(pollToken == options.Token ? "Sample:Token" : "a tenant's")}); give the poll receiver a token of its own.");
    }

    agents = SampleAgents.From(builder.Configuration);
    var scim = builder.Services.AddScim(o => o.PatchResponse = options.PatchResponse);
    var health = builder.Services.AddHealthChecks(); // /health/ready and /health/live; the database adds its check
    if (options.Store == SampleStore.Memory)
    {
        scim.AddInMemoryStores();
    }
    else
    {
        SampleDatabase.Add(builder.Services, scim, health, options); // the EF Core stores, and /health/ready's check of the database
    }

    if (options.Telemetry != SampleTelemetry.None)
    {
        AddTelemetry(builder.Services, options.Telemetry);
    }

    scim.AddScimBearerTokens(tokens =>
        {
            // Checked by the SCIM endpoints themselves (RequireScimBearerToken below): this app has no
            // other authentication, so it needs no authentication or authorization middleware.
            tokens.AddToken(ScimContext.DefaultTenant, "sample", options.Token);
            foreach (var (tenant, token) in options.Tenants)
            {
                tokens.AddToken(tenant, tenant + "-client", token);
            }
        });
    scim.AddSampleActivity(options);
    events.Register(scim);
    agents.Register(scim, options.Store);

    app = builder.Build();
    if (options.Store != SampleStore.Memory)
    {
        await SampleDatabase.MigrateAsync(app.Services, options.Store, options.DatabaseDescription);
    }

    app.MapScim(SampleOptions.BasePath).RequireScimBearerToken();
    app.MapScim(SampleOptions.TenantBasePath).RequireScimBearerToken();
    app.MapSampleActivity();
    events.Map(app);
    app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
}
catch (Exception error) when (SampleStartup.Explains(error))
{
    return SampleStartup.Failed(error);
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"SCIM base URL: {address.TrimEnd('/')}{SampleOptions.BasePath}");
        Console.WriteLine($"Activity page: {address.TrimEnd('/')}{SampleActivity.PagePath}");
        if (events.Any)
        {
            Console.WriteLine($"SET signing keys: {address.TrimEnd('/')}{SampleEvents.KeysPath}");
        }

        if (events.PollToken is not null)
        {
            Console.WriteLine($"SET poll endpoint: {address.TrimEnd('/')}{SampleEvents.PollPath}");
        }
    }

    foreach (var (name, url) in events.Push)
    {
        Console.WriteLine($"SET receiver '{name}': {url}");
    }

    Console.WriteLine($"Bearer token: {options.Token}");
    Console.WriteLine(agents.Description);
    Console.WriteLine(options.Store switch
    {
        SampleStore.Memory => "Store: memory (nothing is kept after the sample stops)",
        SampleStore.Sqlite => $"Store: sqlite ({options.DatabaseDescription})",
        _ => $"Store: postgres ({options.DatabaseDescription})",
    });
    Console.WriteLine(options.PatchResponse switch
    {
        ScimPatchResponse.Ok => "PATCH responses: 200",
        ScimPatchResponse.NoContent => "PATCH responses: 204",
        _ => "PATCH responses: auto (200 with the resource; 204 when it would carry a group's members)",
    });
    if (options.Telemetry != SampleTelemetry.None)
    {
        Console.WriteLine($"Telemetry: {options.Telemetry.ToString().ToLowerInvariant()} (traces and metrics of Scim.Core and ASP.NET Core)");
    }

    foreach (var tenant in options.Tenants.Keys)
    {
        Console.WriteLine($"Tenant '{tenant}': {SampleOptions.TenantBasePath.Replace("{tenant}", tenant, StringComparison.Ordinal)}");
    }
});

try
{
    await app.StartAsync();
}
catch (Exception error) when (SampleStartup.Explains(error))
{
    return SampleStartup.Failed(error);
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

// Traces and metrics of Scim.Core (and of ASP.NET Core's requests) through the OpenTelemetry SDK,
// printed on the console or sent over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT, default localhost:4317).
// A method of its own, so the OpenTelemetry assemblies load only when telemetry is on.
static void AddTelemetry(IServiceCollection services, SampleTelemetry telemetry) =>
    services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService("Scim.Sample"))
        .WithTracing(tracing =>
        {
            tracing.AddSource(ScimTelemetry.Name).AddAspNetCoreInstrumentation();
            _ = telemetry == SampleTelemetry.Console ? tracing.AddConsoleExporter() : tracing.AddOtlpExporter();
        })
        .WithMetrics(metrics =>
        {
            metrics.AddMeter(ScimTelemetry.Name).AddAspNetCoreInstrumentation();
            _ = telemetry == SampleTelemetry.Console ? metrics.AddConsoleExporter() : metrics.AddOtlpExporter();
        });

/// <summary>The sample's settings, from the "Sample" configuration section.</summary>
internal sealed class SampleOptions
{
    public const string BasePath = "/scim/v2";

    public const string TenantBasePath = "/tenants/{tenant}/scim/v2";

    public string Token { get; private init; } = string.Empty;

    /// <summary>Sample:PatchResponse: 200 (always the resource), 204 (never), or unset (the library's default: 204 only where the body would carry a group's members).</summary>
    public ScimPatchResponse PatchResponse { get; private init; } = ScimPatchResponse.Auto;

    /// <summary>Per-tenant tokens for the multi-tenant endpoints (Sample:Tenants:&lt;tenant&gt;=&lt;token&gt;).</summary>
    public IReadOnlyDictionary<string, string> Tenants { get; private init; } = new Dictionary<string, string>();

    /// <summary>Sample:Store: memory, sqlite (the default) or postgres.</summary>
    public SampleStore Store { get; private init; } = SampleStore.Sqlite;

    /// <summary>Sample:Telemetry: none (the default), console or otlp.</summary>
    public SampleTelemetry Telemetry { get; private init; } = SampleTelemetry.None;

    /// <summary>Sample:ConnectionString, or for SQLite the default file in the content root.</summary>
    public string ConnectionString { get; private init; } = string.Empty;

    /// <summary>Sample:ReplicaConnectionString: where plain reads go (AddEntityFrameworkCoreReadReplica), or null.</summary>
    public string? ReplicaConnectionString { get; private init; }

    /// <summary>Where the data is, for the startup message (no password).</summary>
    public string DatabaseDescription { get; private init; } = string.Empty;

    public static SampleOptions From(IConfiguration configuration, string contentRoot)
    {
        var token = configuration["Sample:Token"];
        if (token is not null && string.IsNullOrWhiteSpace(token))
        {
            // An unset variable in a script (--Sample:Token=$TOKEN): a generated token would be one the script does not know.
            throw new InvalidOperationException("Sample:Token is empty: give a token, or leave the option out for a generated one.");
        }

        LooksLikeAnOption("Sample:Token", token);
        if (string.IsNullOrWhiteSpace(token))
        {
            token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        RefuseUnknownOptions(configuration);
        var patch = configuration["Sample:PatchResponse"]?.ToLowerInvariant() switch
        {
            null or "auto" => ScimPatchResponse.Auto,
            "200" => ScimPatchResponse.Ok,
            "204" => ScimPatchResponse.NoContent,
            _ => throw new InvalidOperationException($"Sample:PatchResponse must be 200 or 204 (or auto, the default); got '{configuration["Sample:PatchResponse"]}'."),
        };

        var store = configuration["Sample:Store"]?.ToLowerInvariant() switch
        {
            null or "sqlite" => SampleStore.Sqlite,
            "memory" => SampleStore.Memory,
            "postgres" => SampleStore.Postgres,
            _ => throw new InvalidOperationException($"Sample:Store must be memory, sqlite or postgres; got '{configuration["Sample:Store"]}'."),
        };
        var telemetry = configuration["Sample:Telemetry"]?.ToLowerInvariant() switch
        {
            null or "none" => SampleTelemetry.None,
            "console" => SampleTelemetry.Console,
            "otlp" => SampleTelemetry.Otlp,
            _ => throw new InvalidOperationException($"Sample:Telemetry must be none, console or otlp; got '{configuration["Sample:Telemetry"]}'."),
        };
        var connectionString = configuration["Sample:ConnectionString"];
        string description;
        switch (store)
        {
            case SampleStore.Sqlite:
                connectionString = SampleDatabase.SqliteConnectionString(connectionString, contentRoot, out description);
                break;
            case SampleStore.Postgres:
                connectionString = SampleDatabase.PostgresConnectionString(connectionString, out description);
                break;
            default:
                if (connectionString is not null)
                {
                    throw new InvalidOperationException("Sample:ConnectionString has no use with Sample:Store=memory.");
                }

                description = "memory";
                break;
        }

        var tenants = TenantsFrom(configuration);
        foreach (var (tenant, tenantToken) in tenants)
        {
            // A token names one tenant: shared, it would serve only one of them.
            if (tenantToken == token || tenants.Any(t => t.Key != tenant && t.Value == tenantToken))
            {
                throw new InvalidOperationException($"Sample:Tenants:{tenant} has the token of {(tenantToken == token ? "Sample:Token" : "another tenant")}; give each tenant a token of its own.");
            }
        }

        return new SampleOptions
        {
            Token = token,
            PatchResponse = patch,
            Tenants = tenants,
            Store = store,
            Telemetry = telemetry,
            ConnectionString = connectionString ?? string.Empty,
            ReplicaConnectionString = ReplicaFrom(configuration, store),
            DatabaseDescription = description,
        };
    }

    /// <summary>Sample:ReplicaConnectionString: a read replica of the database, checked like Sample:ConnectionString.</summary>
    private static string? ReplicaFrom(IConfiguration configuration, SampleStore store) =>
        configuration["Sample:ReplicaConnectionString"] switch
        {
            null => null,
            var _ when store == SampleStore.Memory => throw new InvalidOperationException("Sample:ReplicaConnectionString has no use with Sample:Store=memory."),
            var replica => SampleDatabase.ReplicaConnectionString(replica, store),
        };

    /// <summary>The options of the "Sample" section; any other name there is a mistake (a misspelt one would silently do nothing).</summary>
    internal static readonly string[] Known =
    [
        "Token", "PatchResponse", "Store", "ConnectionString", "ReplicaConnectionString", "Telemetry", "Tenants",
        "Receivers", "PollToken", "Issuer", "SigningKey", "EventDelivery", "Agents", "AgentDraft",
    ];

    private static void RefuseUnknownOptions(IConfiguration configuration)
    {
        foreach (var entry in configuration.GetSection("Sample").GetChildren())
        {
            if (!Known.Contains(entry.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Sample:{entry.Key} is not an option of the sample; its options are Sample:{string.Join(", Sample:", Known)} (see samples/Scim.Sample/README.md).");
            }
        }
    }

    private static Dictionary<string, string> TenantsFrom(IConfiguration configuration)
    {
        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = configuration.GetSection("Sample:Tenants");
        if (!string.IsNullOrEmpty(section.Value))
        {
            throw new InvalidOperationException("Sample:Tenants needs the tenant's name: --Sample:Tenants:<name>=<token>.");
        }

        foreach (var entry in section.GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
            {
                throw new InvalidOperationException($"Sample:Tenants:{entry.Key} must be a token.");
            }

            LooksLikeAnOption($"Sample:Tenants:{entry.Key}", entry.Value);

            // The name is one segment of the tenant's route; the default tenant is served at /scim/v2.
            if (entry.Key.Length == 0 || !entry.Key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || entry.Key is "." or "..")
            {
                throw new InvalidOperationException($"Sample:Tenants:{entry.Key}: a tenant's name is one segment of its route ({TenantBasePath}): letters, digits, '-', '_' and '.'.");
            }

            if (string.Equals(entry.Key, ScimContext.DefaultTenant, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Sample:Tenants:{entry.Key}: '{ScimContext.DefaultTenant}' is the tenant of {BasePath} and Sample:Token; give this tenant another name.");
            }

            tenants[entry.Key] = entry.Value;
        }

        return tenants;
    }

    /// <summary>
    /// Refuses a token that is the next option: <c>--Sample:Tenants:acme --Sample:Store=memory</c>
    /// (no <c>=</c>) takes the second option as acme's token, and the store it names is not used.
    /// A generated token may start with <c>--</c> too (base64url), but holds no <c>:</c> or <c>=</c>.
    /// </summary>
    private static void LooksLikeAnOption(string option, string? value)
    {
        if (value is not null && value.StartsWith("--", StringComparison.Ordinal) && value.AsSpan().IndexOfAny(":=") >= 0)
        {
            throw new InvalidOperationException($"{option} has the value '{value}', which is the next option: write {option}=<token>.");
        }
    }
}

/// <summary>Where the sample keeps its data.</summary>
internal enum SampleStore
{
    Memory,
    Sqlite,
    Postgres,
}

/// <summary>Where the sample sends its traces and metrics.</summary>
internal enum SampleTelemetry
{
    None,
    Console,
    Otlp,
}

/// <summary>How the sample reports a failure to start.</summary>
internal static class SampleStartup
{
    /// <summary>Whether <paramref name="error"/> is a reason not to start that its message explains (not a bug of the sample, and not the test host stopping it).</summary>
    public static bool Explains(Exception error) =>
        error is InvalidOperationException or ArgumentException or FormatException or Microsoft.Extensions.Options.OptionsValidationException
            or System.Data.Common.DbException or System.Security.Cryptography.CryptographicException
            or IOException or UnauthorizedAccessException or TimeoutException;

    /// <summary>Writes the reason (and what caused it) to standard error; the exit code.</summary>
    public static int Failed(Exception error)
    {
        var reasons = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (!reasons.Contains(e.Message, StringComparer.Ordinal))
            {
                reasons.Add(e.Message);
            }
        }

        Console.Error.WriteLine("Scim.Sample did not start: " + string.Join(Environment.NewLine + "  because: ", reasons));
        return 1;
    }
}

/// <summary>Entry point type, visible to in-process tests.</summary>
public partial class Program;
