using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Keeps the errors a host logs (an unexpected exception behind a 500), so a test can show them,
/// and EF Core's warnings, which a host's logs would carry as well.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _warnings = new();

    /// <summary>The errors logged so far: category, message and exception.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>EF Core's warnings logged so far: category, event id and message.</summary>
    public IReadOnlyList<string> EntityFrameworkWarnings => [.. _warnings];

    /// <summary>The EF Core stores' own warnings logged so far: category, event id and message.</summary>
    public IReadOnlyList<string> StoreWarnings => [.. _storeWarnings];

    private readonly ConcurrentQueue<string> _storeWarnings = new();

    public ILogger CreateLogger(string categoryName) => new Logger(
        categoryName,
        _errors,
        categoryName.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) ? _warnings
            : categoryName.StartsWith("Scim.EntityFrameworkCore", StringComparison.Ordinal) ? _storeWarnings : null);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> errors, ConcurrentQueue<string>? warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error || (warnings is not null && logLevel == LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue($"{category}: {formatter(state, exception)}\n{exception}");
            }
            else if (logLevel == LogLevel.Warning && warnings is not null)
            {
                warnings.Enqueue($"{category} [{eventId.Id}]: {formatter(state, exception)}");
            }
        }
    }
}
