/* stance_export.h — symbol visibility for the stance library. */
#ifndef STANCE_EXPORT_H
#define STANCE_EXPORT_H
#if defined(STANCE_STATIC)
#define STANCE_EXPORT
#elif defined(_WIN32)
#ifdef STANCE_BUILDING
#define STANCE_EXPORT __declspec(dllexport)
#else
#define STANCE_EXPORT __declspec(dllimport)
#endif
#else
#define STANCE_EXPORT __attribute__((visibility("default")))
#endif
#endif
