using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Keeps the errors a host logs (an unexpected exception behind a 500), so a test can show them.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>The errors logged so far: category, message and exception.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _errors);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue($"{category}: {formatter(state, exception)}\n{exception}");
            }
        }
    }
}
