using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Scim.Core.Serialization;

namespace Scim.AspNetCore;

/// <summary>Writes SCIM bodies: every response goes out as <c>application/scim+json</c>.</summary>
internal static class ScimResponses
{
    public const string ContentType = "application/scim+json";

    public static Task WriteJsonAsync(HttpContext context, int status, JsonObject body) => WriteAsync(context, status, writer => body.WriteTo(writer));

    /// <summary>
    /// Writes the body into a pooled buffer first (starting at <paramref name="sizeHint"/> bytes),
    /// then sends it in one write with a <c>Content-Length</c>: no chunked framing, and a client
    /// can size its buffer up front.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, int sizeHint = PooledBuffer.DefaultSize)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        using var body = new PooledBuffer(sizeHint);
        using (var writer = new Utf8JsonWriter(body, ScimSerializer.WriterOptions))
        {
            write(writer);
        }

        context.Response.ContentLength = body.WrittenCount;
        await context.Response.BodyWriter.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A list response's likely size: about a kilobyte per resource (a typical user with a group or two).</summary>
    public static int ListSizeHint(Scim.Core.Provisioning.ScimListResult list) => 1024 + (list.ItemsPerPage * 1024);

    /// <summary>The one place error bodies are written (RFC 7644 §3.12): status as a string, scimType when there is one.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(Scim.Core.Schema.ScimSchemaUris.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return WriteJsonAsync(context, status, body);
    }
}

/// <summary>A growable buffer on <see cref="ArrayPool{T}.Shared"/> (a page of 1,000 users is about a megabyte).</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>What a body starts with unless the caller expects more.</summary>
    public const int DefaultSize = 16 * 1024;

    // Starting at the expected size saves a page of users the copies of growing from 16 KB.
    private byte[] _array;

    public PooledBuffer(int sizeHint = DefaultSize) =>
        _array = ArrayPool<byte>.Shared.Rent(Math.Clamp(sizeHint, DefaultSize, 4 * 1024 * 1024));

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - WrittenCount);
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(WrittenCount);
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - WrittenCount >= needed)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, WrittenCount + needed));
        _array.AsSpan(0, WrittenCount).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_array);
        _array = grown;
    }
}
