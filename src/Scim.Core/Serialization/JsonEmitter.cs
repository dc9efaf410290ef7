using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scim.Core.Serialization;

/// <summary>
/// Appends compact JSON to a byte buffer, for writing many resources fast. Property names come
/// already encoded (<c>"name":</c> as UTF-8). Strings of printable ASCII (nearly every value a
/// directory holds) are narrowed straight into the buffer, with <c>"</c> and <c>\</c> escaped; any
/// other string is escaped as <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes
/// it (what <see cref="ScimSerializer.WriterOptions"/> uses), so the output is the same as a
/// <see cref="Utf8JsonWriter"/> with those options writes. One instance per thread is reused.
/// </summary>
internal sealed class JsonEmitter
{
    // Printable ASCII (0x20-0x7E): JSON strings carry it as it is, but for '"' and '\'.
    private static readonly SearchValues<char> PrintableAscii = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c)]);

    [ThreadStatic]
    private static JsonEmitter? t_cached;

    private byte[] _buffer = new byte[8 * 1024];
    private int _length;
    private bool _comma;

    /// <summary>The JSON written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>This thread's emitter, emptied (or a new one when it is in use).</summary>
    public static JsonEmitter Rent()
    {
        var emitter = t_cached ?? new JsonEmitter();
        t_cached = null;
        emitter._length = 0;
        emitter._comma = false;
        return emitter;
    }

    /// <summary>Gives the emitter back for the next call on this thread (a very large buffer is let go).</summary>
    public static void Return(JsonEmitter emitter)
    {
        if (emitter._buffer.Length <= 1024 * 1024)
        {
            t_cached = emitter;
        }
    }

    public void StartObject()
    {
        Separator();
        Byte((byte)'{');
        _comma = false;
    }

    public void StartObject(ReadOnlySpan<byte> name)
    {
        Name(name);
        Byte((byte)'{');
        _comma = false;
    }

    public void EndObject()
    {
        Byte((byte)'}');
        _comma = true;
    }

    public void StartArray(ReadOnlySpan<byte> name)
    {
        Name(name);
        Byte((byte)'[');
        _comma = false;
    }

    public void EndArray()
    {
        Byte((byte)']');
        _comma = true;
    }

    /// <summary>Writes <c>"name":"value"</c>, or nothing when the value is <see langword="null"/>.</summary>
    public void String(ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            Name(name);
            Text(value);
        }
    }

    /// <summary>Writes <c>"name":"firstsecond"</c>: a value made of two parts, without joining them first.</summary>
    public void String(ReadOnlySpan<byte> name, string first, string second)
    {
        if (first.AsSpan().ContainsAnyExcept(PrintableAscii) || second.AsSpan().ContainsAnyExcept(PrintableAscii)
            || first.AsSpan().IndexOfAny('"', '\\') >= 0 || second.AsSpan().IndexOfAny('"', '\\') >= 0)
        {
            String(name, string.Concat(first, second));
            return;
        }

        Name(name);
        Reserve(first.Length + second.Length + 2);
        _buffer[_length++] = (byte)'"';
        Ascii.FromUtf16(first, _buffer.AsSpan(_length), out var written);
        _length += written;
        Ascii.FromUtf16(second, _buffer.AsSpan(_length), out written);
        _length += written;
        _buffer[_length++] = (byte)'"';
        _comma = true;
    }

    /// <summary>
    /// Writes an object's fields (right after its <c>{</c>) with <paramref name="writeFields"/>, or
    /// copies the bytes <paramref name="repeats"/> kept from writing the same instance before.
    /// </summary>
    public void RepeatableFields<T>(T item, Action<JsonEmitter, T> writeFields, RepeatedFields repeats)
        where T : class
    {
        if (repeats.Find(item) is { } encoded)
        {
            if (encoded.Length > 0)
            {
                Bytes(encoded);
                _comma = true;
            }

            return;
        }

        var start = _length;
        writeFields(this, item);
        repeats.Keep(item, _buffer.AsSpan(start, _length - start));
    }

    public void StringValue(string value)
    {
        Separator();
        Text(value);
    }

    /// <summary>Writes values already encoded as JSON (one, or several separated by commas).</summary>
    public void EncodedValues(ReadOnlySpan<byte> json)
    {
        Separator();
        Bytes(json);
        _comma = true;
    }

    /// <summary>Writes a string whose UTF-8 bytes need no escaping (a formatted dateTime).</summary>
    public void AsciiString(ReadOnlySpan<byte> name, ReadOnlySpan<byte> ascii)
    {
        Name(name);
        Reserve(ascii.Length + 2);
        _buffer[_length++] = (byte)'"';
        ascii.CopyTo(_buffer.AsSpan(_length));
        _length += ascii.Length;
        _buffer[_length++] = (byte)'"';
        _comma = true;
    }

    public void Boolean(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        Bytes(value ? "true"u8 : "false"u8);
        _comma = true;
    }

    public void NullValue()
    {
        Separator();
        Bytes("null"u8);
        _comma = true;
    }

    /// <summary>Writes a property whose name is any text (an extension's URN) and whose value is a JSON tree.</summary>
    public void Node(string name, JsonNode value)
    {
        Separator();
        Text(name);
        Byte((byte)':');
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ScimSerializer.WriterOptions))
        {
            value.WriteTo(writer);
        }

        Bytes(buffer.WrittenSpan);
        _comma = true;
    }

    private void Name(ReadOnlySpan<byte> encodedNameAndColon)
    {
        Separator();
        Bytes(encodedNameAndColon);
    }

    private void Separator()
    {
        if (_comma)
        {
            Byte((byte)',');
        }
    }

    private void Text(string value)
    {
        Reserve((value.Length * 2) + 2);
        if (CopyPlain(value, _buffer.AsSpan(_length + 1)))
        {
            // Nearly every value: printable ASCII without a quote or backslash, copied in one pass.
            _buffer[_length] = (byte)'"';
            _length += value.Length + 1;
            _buffer[_length++] = (byte)'"';
        }
        else if (!value.AsSpan().ContainsAnyExcept(PrintableAscii))
        {
            // Printable ASCII with a quote or backslash (a version tag, W/"..."): only those to escape.
            _buffer[_length++] = (byte)'"';
            foreach (var c in value)
            {
                if (c is '"' or '\\')
                {
                    _buffer[_length++] = (byte)'\\';
                }

                _buffer[_length++] = (byte)c;
            }

            _buffer[_length++] = (byte)'"';
        }
        else
        {
            // The rare value with control or non-ASCII characters: escaped
            // by the same rules the writer options use.
            var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
            Reserve(encoded.Length + 2);
            _buffer[_length++] = (byte)'"';
            encoded.CopyTo(_buffer.AsSpan(_length));
            _length += encoded.Length;
            _buffer[_length++] = (byte)'"';
        }

        _comma = true;
    }

    /// <summary>
    /// Narrows <paramref name="source"/> into <paramref name="destination"/> (at least as long)
    /// when every character is printable ASCII other than <c>"</c> and <c>\</c>, the characters a
    /// JSON string carries as they are; otherwise returns false, with the destination's contents
    /// undefined. One pass: 16 characters at a time where the hardware allows (the last block
    /// overlapping the one before it), one at a time for short strings.
    /// </summary>
    internal static bool CopyPlain(ReadOnlySpan<char> source, Span<byte> destination)
    {
        var length = source.Length;
        if (destination.Length < length)
        {
            return false;
        }

        ref var from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(source));
        ref var to = ref MemoryMarshal.GetReference(destination);
        if (Vector128.IsHardwareAccelerated && length >= 8)
        {
            if (length < 16)
            {
                // Two blocks of 8 that overlap in the middle.
                var head = Vector128.LoadUnsafe(ref from);
                var tail = Vector128.LoadUnsafe(ref from, (nuint)(length - 8));
                if (!Plain(head) || !Plain(tail))
                {
                    return false;
                }

                Vector128.Narrow(head, head).GetLower().StoreUnsafe(ref to);
                Vector128.Narrow(tail, tail).GetLower().StoreUnsafe(ref to, (nuint)(length - 8));
                return true;
            }

            var last = length - 16;
            for (var i = 0; ; i += 16)
            {
                if (i > last)
                {
                    i = last;
                }

                var low = Vector128.LoadUnsafe(ref from, (nuint)i);
                var high = Vector128.LoadUnsafe(ref from, (nuint)(i + 8));
                if (!Plain(low) || !Plain(high))
                {
                    return false;
                }

                Vector128.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
                if (i == last)
                {
                    return true;
                }
            }
        }

        for (var i = 0; i < length; i++)
        {
            var c = Unsafe.Add(ref from, i);
            if (c - 0x20u > 0x7Eu - 0x20u || c == '"' || c == '\\')
            {
                return false;
            }

            Unsafe.Add(ref to, i) = (byte)c;
        }

        return true;
    }

    // Every lane in 0x20-0x7E and none a quote or backslash.
    private static bool Plain(Vector128<ushort> chars)
    {
        var printable = Vector128.LessThan(chars - Vector128.Create((ushort)0x20), Vector128.Create((ushort)(0x7F - 0x20)));
        var special = Vector128.Equals(chars, Vector128.Create((ushort)'"')) | Vector128.Equals(chars, Vector128.Create((ushort)'\\'));
        return Vector128.AndNot(printable, special) == Vector128<ushort>.AllBitsSet;
    }

    private void Byte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }
}

/// <summary>
/// The encoded fields of the last few objects one response shares between its resources, by
/// reference: a page's users in one group share one <c>groups</c> entry, encoded once and copied
/// for the others. Lives for one response, which changes nothing while it is written.
/// </summary>
internal sealed class RepeatedFields
{
    private readonly object?[] _items = new object?[4];
    private readonly byte[]?[] _encoded = new byte[]?[4];
    private int _next;

    /// <summary>The bytes kept for this instance, or <see langword="null"/>.</summary>
    public byte[]? Find(object item)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (ReferenceEquals(_items[i], item))
            {
                return _encoded[i];
            }
        }

        return null;
    }

    /// <summary>Keeps a copy of an instance's bytes, in place of the oldest kept.</summary>
    public void Keep(object item, ReadOnlySpan<byte> encoded)
    {
        var slot = _next++ & (_items.Length - 1);
        _items[slot] = item;
        _encoded[slot] = encoded.ToArray();
    }
}
