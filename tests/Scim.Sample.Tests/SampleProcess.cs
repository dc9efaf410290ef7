using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Scim.Sample.Tests;

/// <summary>One running sample process, stopped (with its children) on dispose.</summary>
internal sealed partial class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private SampleProcess(Process process, string baseUrl, string token, string patchResponse)
    {
        _process = process;
        BaseUrl = baseUrl;
        Token = token;
        PatchResponse = patchResponse;
    }

    public string BaseUrl { get; }

    public string Token { get; }

    public string PatchResponse { get; }

    /// <summary>The store line's text after "Store: ", e.g. "sqlite (/tmp/x/scim-sample.db)".</summary>
    public string Store { get; private init; } = string.Empty;

    /// <summary>The activity page's address, as printed ("Activity page: ...").</summary>
    public string ActivityUrl { get; private init; } = string.Empty;

    /// <summary>What the sample printed until it was ready (the migration's log on a first start included).</summary>
    public string StartupOutput { get; private init; } = string.Empty;

    /// <summary>The address the sample listens on (the base URL without /scim/v2).</summary>
    public string Root => BaseUrl[..^"/scim/v2".Length];

    public static async Task<SampleProcess> StartAsync(params string[] options)
    {
        var process = Start(["--urls", "http://127.0.0.1:0", .. WithContentRoot(options)]);
        string? baseUrl = null, token = null, patch = null, store = null, activity = null;
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (patch is null)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("The sample exited before it was ready:\n" + output + await process.StandardError.ReadToEndAsync(timeout.Token));
            }

            output.AppendLine(line);
            baseUrl ??= BaseUrlLine().Match(line) is { Success: true } m1 ? m1.Groups["url"].Value : null;
            token ??= TokenLine().Match(line) is { Success: true } m2 ? m2.Groups["token"].Value : null;
            patch ??= PatchLine().Match(line) is { Success: true } m3 ? m3.Groups["status"].Value : null;
            store ??= StoreLine().Match(line) is { Success: true } m4 ? m4.Groups["store"].Value : null;
            activity ??= ActivityLine().Match(line) is { Success: true } m5 ? m5.Groups["url"].Value : null;
        }

        Assert.NotNull(baseUrl);
        Assert.NotNull(token);
        Assert.NotNull(store);
        Assert.NotNull(activity);
        return new SampleProcess(process, baseUrl, token, patch) { Store = store, ActivityUrl = activity, StartupOutput = output.ToString() };
    }

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] options)
    {
        using var process = Start(["--urls", "http://127.0.0.1:0", .. WithContentRoot(options)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>
    /// The file names of the assemblies the sample's own process has mapped (Linux: the process
    /// <c>dotnet run</c> started, read from <c>/proc</c>), to see which libraries a start loaded.
    /// </summary>
    public IReadOnlyCollection<string> LoadedAssemblies()
    {
        var children = Directory.GetDirectories($"/proc/{_process.Id}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var app = Assert.Single(children, child => File.ReadAllText($"/proc/{child}/cmdline").Contains("Scim.Sample", StringComparison.Ordinal));
        return File.ReadLines($"/proc/{app}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith(".dll", StringComparison.Ordinal))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Reads the sample's output until a line contains <paramref name="text"/>; the lines read.</summary>
    public async Task<string> ReadUntilAsync(string text)
    {
        var read = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            read.AppendLine(line);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return read.ToString();
            }
        }

        throw new InvalidOperationException($"The sample ended its output without '{text}':\n{read}");
    }

    /// <summary>
    /// Stops the sample as a service manager would (SIGTERM, which <c>dotnet run</c> passes on), so
    /// it shuts down gracefully and flushes its log, and returns what it wrote that was not read yet,
    /// both streams. A sample still running after 30 seconds is killed.
    /// </summary>
    public async Task<string> StopAndReadRestAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = _process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = _process.StandardError.ReadToEndAsync(timeout.Token);
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        var rest = await stdout + await stderr;
        await DisposeAsync();
        return rest;
    }

    /// <summary>
    /// Keeps reading the sample's output in the background from now on, so that a sample that logs a
    /// lot never stops on a full pipe; <see cref="ReadUntilAsync"/> must not be called afterwards.
    /// </summary>
    public void DrainOutput()
    {
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = _process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// The options, with a content root of the test's own unless they name one: the default
    /// store is a SQLite file in the content root, which tests must not share.
    /// </summary>
    private static string[] WithContentRoot(string[] options) =>
        options.Any(o => o.StartsWith("--contentRoot", StringComparison.Ordinal)) ? options : ["--contentRoot", NewContentRoot(), .. options];

    /// <summary>A new, empty folder in the temporary folder.</summary>
    public static string NewContentRoot() => Directory.CreateTempSubdirectory("scim-sample-test-").FullName;

    private static Process Start(string[] options)
    {
        var root = FindRoot();
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["run", "--project", "samples/Scim.Sample", "--no-build", "-c", Configuration, "--", .. options])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scim.Core.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Scim.Core.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"SCIM base URL: (?<url>\S+)")]
    private static partial Regex BaseUrlLine();

    [GeneratedRegex(@"Bearer token: (?<token>\S+)")]
    private static partial Regex TokenLine();

    [GeneratedRegex(@"PATCH responses: (?<status>\S+)")]
    private static partial Regex PatchLine();

    [GeneratedRegex(@"^Store: (?<store>.+)$")]
    private static partial Regex StoreLine();

    [GeneratedRegex(@"Activity page: (?<url>\S+)")]
    private static partial Regex ActivityLine();
}
