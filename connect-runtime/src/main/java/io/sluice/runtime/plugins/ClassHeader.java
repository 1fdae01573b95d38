package io.sluice.runtime.plugins;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The head of a class file: its name, access flags, super class and interfaces. Reading only this
 * (and not loading the class) lets the scanner walk thousands of classes cheaply and load just the
 * few that can be plugins.
 */
record ClassHeader(String name, int access, String superName, List<String> interfaces) {

    private static final int MAGIC = 0xCAFEBABE;

    /** A public, concrete class: the only kind that can be instantiated as a plugin. */
    boolean isPublicConcrete() {
        return Modifier.isPublic(access) && !Modifier.isAbstract(access) && !Modifier.isInterface(access);
    }

    /** Reads the header from the start of a class file; reads no further than the interface table. */
    static ClassHeader read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        byte[][] utf8 = new byte[count][];
        int[] classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> {
                    byte[] bytes = new byte[in.readUnsignedShort()];
                    in.readFully(bytes);
                    utf8[i] = bytes;
                }
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        int access = in.readUnsignedShort();
        String name = className(utf8, classNameIndex, in.readUnsignedShort());
        String superName = className(utf8, classNameIndex, in.readUnsignedShort());
        String[] interfaces = new String[in.readUnsignedShort()];
        for (int i = 0; i < interfaces.length; i++) {
            interfaces[i] = className(utf8, classNameIndex, in.readUnsignedShort());
        }
        return new ClassHeader(name, access, superName, List.of(interfaces));
    }

    private static String className(byte[][] utf8, int[] classNameIndex, int classIndex) throws IOException {
        if (classIndex == 0) {
            return null;
        }
        if (classIndex >= classNameIndex.length || utf8[classNameIndex[classIndex]] == null) {
            throw new IOException("bad class reference " + classIndex);
        }
        // Class names are plain ASCII in practice; modified UTF-8 differs from UTF-8 only for NUL and astral chars.
        return new String(utf8[classNameIndex[classIndex]], StandardCharsets.UTF_8).replace('/', '.');
    }
}
