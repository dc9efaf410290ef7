using Microsoft.Extensions.Options;
using Scim.Core.Filtering;
using Scim.Core.Patching;

namespace Scim.Core.Provisioning;

/// <summary>
/// The one check of <see cref="ScimServiceOptions"/>, run when the app starts (<c>ValidateOnStart</c>)
/// and when a service is built without dependency injection. Every failure names the option and
/// the value it must have.
/// </summary>
internal sealed class ScimServiceOptionsValidator : IValidateOptions<ScimServiceOptions>
{
    public static ScimServiceOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are not valid.</summary>
    public static void ThrowIfInvalid(ScimServiceOptions options)
    {
        var result = Instance.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ScimServiceOptions), result.Failures);
        }
    }

    private static IEnumerable<string> Failures(ScimServiceOptions o)
    {
        const string prefix = "ScimServiceOptions.";
        if (o.MaxCount < 1)
        {
            yield return $"{prefix}MaxCount must be at least 1 (it is {o.MaxCount}).";
        }

        if (o.DefaultCount < 0 || o.DefaultCount > o.MaxCount)
        {
            yield return $"{prefix}DefaultCount must be between 0 and MaxCount ({o.MaxCount}); it is {o.DefaultCount}.";
        }

        if (o.MaxWriteRetries < 0)
        {
            yield return $"{prefix}MaxWriteRetries cannot be negative (it is {o.MaxWriteRetries}).";
        }

        if (o.MaxPayloadSize < 1024)
        {
            yield return $"{prefix}MaxPayloadSize must be at least 1024 bytes (it is {o.MaxPayloadSize}).";
        }

        if (o.EventDelivery.MaxAttempts < 1)
        {
            yield return $"{prefix}EventDelivery.MaxAttempts must be at least 1 (it is {o.EventDelivery.MaxAttempts}).";
        }

        if (o.EventDelivery.RetryDelay <= TimeSpan.Zero || o.EventDelivery.MaxRetryDelay < o.EventDelivery.RetryDelay)
        {
            yield return $"{prefix}EventDelivery.RetryDelay must be positive and at most MaxRetryDelay (they are {o.EventDelivery.RetryDelay} and {o.EventDelivery.MaxRetryDelay}).";
        }

        if (o.EventDelivery.PollInterval <= TimeSpan.Zero || o.EventDelivery.LeaseDuration <= TimeSpan.Zero || o.EventDelivery.Retention < TimeSpan.Zero)
        {
            yield return $"{prefix}EventDelivery.PollInterval and LeaseDuration must be positive, Retention not negative (they are {o.EventDelivery.PollInterval}, {o.EventDelivery.LeaseDuration} and {o.EventDelivery.Retention}).";
        }

        if (o.EventDelivery.ClaimInterval < TimeSpan.Zero || o.EventDelivery.ClaimInterval > o.EventDelivery.PollInterval)
        {
            yield return $"{prefix}EventDelivery.ClaimInterval must be between zero and PollInterval (they are {o.EventDelivery.ClaimInterval} and {o.EventDelivery.PollInterval}).";
        }

        if (o.EventDelivery.QueueCapacity < 1)
        {
            yield return $"{prefix}EventDelivery.QueueCapacity must be at least 1 (it is {o.EventDelivery.QueueCapacity}).";
        }

        if (o.Bulk.MaxOperations < 1)
        {
            yield return $"{prefix}Bulk.MaxOperations must be at least 1 (it is {o.Bulk.MaxOperations}).";
        }

        if (o.Patch.MaxOperations < 1)
        {
            yield return $"{prefix}Patch.MaxOperations must be at least 1 (it is {o.Patch.MaxOperations}).";
        }

        if ((o.Patch.Dialects & ~PatchDialects.All) != 0)
        {
            yield return $"{prefix}Patch.Dialects has flags that are not dialects ({(int)o.Patch.Dialects}).";
        }

        if (o.Filter.MaxLength < 1)
        {
            yield return $"{prefix}Filter.MaxLength must be at least 1 (it is {o.Filter.MaxLength}).";
        }

        if (o.Filter.MaxDepth < 1)
        {
            yield return $"{prefix}Filter.MaxDepth must be at least 1 (it is {o.Filter.MaxDepth}).";
        }

        if (o.Filter.MaxComparisons < 0)
        {
            yield return $"{prefix}Filter.MaxComparisons cannot be negative (it is {o.Filter.MaxComparisons}).";
        }

        if (!Enum.IsDefined(o.Filter.UnknownAttributes))
        {
            yield return $"{prefix}Filter.UnknownAttributes '{o.Filter.UnknownAttributes}' is not a known value.";
        }

        if (!Enum.IsDefined(o.UnknownMembers))
        {
            yield return $"{prefix}UnknownMembers '{o.UnknownMembers}' is not a known value.";
        }

        if (!Enum.IsDefined(o.Reading.UnknownAttributes))
        {
            yield return $"{prefix}Reading.UnknownAttributes '{o.Reading.UnknownAttributes}' is not a known value.";
        }

        if (o.Reading.MaxDepth < 1)
        {
            yield return $"{prefix}Reading.MaxDepth must be at least 1 (it is {o.Reading.MaxDepth}).";
        }

        foreach (var scheme in o.AuthenticationSchemes)
        {
            if (scheme is null || string.IsNullOrWhiteSpace(scheme.Type) || string.IsNullOrWhiteSpace(scheme.Name))
            {
                yield return $"{prefix}AuthenticationSchemes: every scheme needs a type and a name.";
            }
        }
    }
}
