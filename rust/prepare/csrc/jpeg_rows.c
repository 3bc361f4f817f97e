/*
 * Row-by-row JPEG decoding and encoding with libjpeg-turbo's libjpeg API, for
 * dkcloud-prepare's pipeline (rust/prepare/src/libjpeg.rs is the only caller).
 *
 * The TurboJPEG API only works on whole images; these few functions let one
 * thread decode rows while another resizes and encodes the rows already there.
 * libjpeg reports errors by longjmp, which must not cross Rust frames: every
 * call below sets its own landing point and returns -1 (NULL for the
 * constructors) with the message kept in the handle. Warnings (damaged or
 * truncated data) are errors too, as TurboJPEG reports them.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeglib.h"
#include "jerror.h"

struct dk_error {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

static void dk_error_exit(j_common_ptr cinfo)
{
  struct dk_error *err = (struct dk_error *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

static void dk_emit_message(j_common_ptr cinfo, int level)
{
  if (level < 0) dk_error_exit(cinfo);
}

static void dk_error_init(struct dk_error *err)
{
  jpeg_std_error(&err->pub);
  err->pub.error_exit = dk_error_exit;
  err->pub.emit_message = dk_emit_message;
  err->message[0] = '\0';
}

/* ------------------------------------------------------------------------ */

typedef struct {
  struct jpeg_decompress_struct cinfo;
  struct dk_error err;
} dk_reader;

dk_reader *dk_reader_new(void)
{
  dk_reader *volatile r = calloc(1, sizeof(dk_reader));
  if (r == NULL) return NULL;
  dk_error_init(&r->err);
  r->cinfo.err = &r->err.pub;
  if (setjmp(r->err.jump)) {
    free(r);
    return NULL;
  }
  jpeg_create_decompress(&r->cinfo);
  return r;
}

const char *dk_reader_message(const dk_reader *r) { return r->err.message; }

/* Reads the header. `color` receives the stored colour space (J_COLOR_SPACE). */
int dk_reader_header(dk_reader *r, const unsigned char *data, unsigned long size,
                     int *width, int *height, int *color)
{
  if (setjmp(r->err.jump)) return -1;
  jpeg_mem_src(&r->cinfo, data, size);
  jpeg_read_header(&r->cinfo, TRUE);
  *width = (int)r->cinfo.image_width;
  *height = (int)r->cinfo.image_height;
  *color = (int)r->cinfo.jpeg_color_space;
  return 0;
}

/* Starts decoding at `eighths`/8 of the stored size (DCT-domain scaling) into
 * `out_color` (J_COLOR_SPACE) and gives the size of the rows that will come. */
int dk_reader_start(dk_reader *r, int eighths, int out_color, int *width,
                    int *height, int *components)
{
  if (setjmp(r->err.jump)) return -1;
  r->cinfo.scale_num = (unsigned int)eighths;
  r->cinfo.scale_denom = 8;
  r->cinfo.out_color_space = (J_COLOR_SPACE)out_color;
  r->cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&r->cinfo);
  *width = (int)r->cinfo.output_width;
  *height = (int)r->cinfo.output_height;
  *components = r->cinfo.output_components;
  return 0;
}

/* Decodes up to `max_rows` rows into `dst` (rows `pitch` bytes apart) and returns
 * how many were decoded (0 once the image is complete). */
int dk_reader_read(dk_reader *r, unsigned char *dst, unsigned long pitch, int max_rows)
{
  JSAMPROW rows[16];
  volatile int done = 0;
  if (setjmp(r->err.jump)) return -1;
  while (done < max_rows && r->cinfo.output_scanline < r->cinfo.output_height) {
    int want = max_rows - done, got, i;
    if (want > 16) want = 16;
    for (i = 0; i < want; i++) rows[i] = dst + (size_t)(done + i) * pitch;
    got = (int)jpeg_read_scanlines(&r->cinfo, rows, (JDIMENSION)want);
    if (got == 0) break;
    done += got;
  }
  return done;
}

/* Reads up to the end-of-image marker, so a damaged tail is noticed. */
int dk_reader_finish(dk_reader *r)
{
  if (setjmp(r->err.jump)) return -1;
  jpeg_finish_decompress(&r->cinfo);
  return 0;
}

void dk_reader_free(dk_reader *r)
{
  if (r == NULL) return;
  jpeg_destroy_decompress(&r->cinfo);
  free(r);
}

/* ------------------------------------------------------------------------ */

/* The encoded bytes go to a buffer that grows by realloc, so it stays owned
 * (and freed) by the handle whatever happens. */
typedef struct {
  struct jpeg_compress_struct cinfo;
  struct dk_error err;
  struct jpeg_destination_mgr dest;
  unsigned char *out;
  size_t capacity;
  size_t size;
  /* Encoding from coefficients (dk_writer_start with blocks): one array per
   * component, and its size in blocks. */
  jvirt_barray_ptr blocks[MAX_COMPONENTS];
  JDIMENSION across[MAX_COMPONENTS], down[MAX_COMPONENTS];
} dk_writer;

static void dk_dest_grow(dk_writer *w, size_t used, size_t capacity)
{
  unsigned char *bigger = realloc(w->out, capacity);
  if (bigger == NULL) ERREXIT1(&w->cinfo, JERR_OUT_OF_MEMORY, 0);
  w->out = bigger;
  w->capacity = capacity;
  w->dest.next_output_byte = bigger + used;
  w->dest.free_in_buffer = capacity - used;
}

static void dk_dest_init(j_compress_ptr cinfo)
{
  dk_writer *w = (dk_writer *)cinfo;
  size_t guess = (size_t)cinfo->image_width * cinfo->image_height / 8;
  dk_dest_grow(w, 0, guess < 65536 ? 65536 : guess);
}

static boolean dk_dest_empty(j_compress_ptr cinfo)
{
  dk_writer *w = (dk_writer *)cinfo;
  dk_dest_grow(w, w->capacity, w->capacity * 2);
  return TRUE;
}

static void dk_dest_term(j_compress_ptr cinfo)
{
  dk_writer *w = (dk_writer *)cinfo;
  w->size = w->capacity - w->dest.free_in_buffer;
}

dk_writer *dk_writer_new(void)
{
  dk_writer *volatile w = calloc(1, sizeof(dk_writer));
  if (w == NULL) return NULL;
  dk_error_init(&w->err);
  w->cinfo.err = &w->err.pub;
  if (setjmp(w->err.jump)) {
    free(w);
    return NULL;
  }
  jpeg_create_compress(&w->cinfo);
  w->dest.init_destination = dk_dest_init;
  w->dest.empty_output_buffer = dk_dest_empty;
  w->dest.term_destination = dk_dest_term;
  w->cinfo.dest = &w->dest;
  return w;
}

const char *dk_writer_message(const dk_writer *w) { return w->err.message; }

/* Blocks of a component across `pixels` image pixels, sampled `samp` times per
 * `max_samp` (the luma's factor), rounded up to whole MCUs of that component. */
static JDIMENSION dk_blocks(int pixels, int samp, int max_samp)
{
  JDIMENSION samples = ((JDIMENSION)pixels * samp + max_samp - 1) / max_samp;
  JDIMENSION blocks = (samples + DCTSIZE - 1) / DCTSIZE;
  return (blocks + samp - 1) / samp * samp;
}

/* The settings TurboJPEG uses for the same request: baseline, JFIF, accurate
 * DCT, YCbCr (or gray) with luma sampled `luma_h` x `luma_v` times the chroma. */
static void dk_writer_setup(dk_writer *w, int width, int height, int in_color,
                            int components, int quality, int luma_h, int luma_v,
                            int optimize)
{
  struct jpeg_compress_struct *c = &w->cinfo;
  c->image_width = (JDIMENSION)width;
  c->image_height = (JDIMENSION)height;
  c->in_color_space = (J_COLOR_SPACE)in_color;
  c->input_components = components;
  jpeg_set_defaults(c);
  jpeg_set_quality(c, quality, TRUE);
  c->dct_method = JDCT_ISLOW;
  jpeg_set_colorspace(c, components == 1 ? JCS_GRAYSCALE : JCS_YCbCr);
  c->optimize_coding = optimize ? TRUE : FALSE;
  c->comp_info[0].h_samp_factor = luma_h;
  c->comp_info[0].v_samp_factor = luma_v;
  if (c->num_components >= 3) {
    c->comp_info[1].h_samp_factor = c->comp_info[1].v_samp_factor = 1;
    c->comp_info[2].h_samp_factor = c->comp_info[2].v_samp_factor = 1;
  }
}

/* Starts an encoder fed rows from top to bottom (dk_writer_write), or, with
 * `blocks` set, one the caller gives quantised DCT coefficients instead
 * (turned photos: each block as soon as the rows it is made of are decoded;
 * dk_writer_blocks, dk_writer_finish_blocks): then it makes one block array
 * per component, as many blocks as the component's whole MCUs hold (blocks
 * beyond the image's own are never read). */
int dk_writer_start(dk_writer *w, int width, int height, int in_color,
                    int components, int quality, int luma_h, int luma_v,
                    int optimize, int blocks)
{
  struct jpeg_compress_struct *c = &w->cinfo;
  int i;
  if (setjmp(w->err.jump)) return -1;
  dk_writer_setup(w, width, height, in_color, components, quality, luma_h, luma_v,
                  optimize);
  if (!blocks) {
    jpeg_start_compress(c, TRUE);
    return 0;
  }
  for (i = 0; i < c->num_components; i++) {
    jpeg_component_info *comp = &c->comp_info[i];
    w->across[i] = dk_blocks(width, comp->h_samp_factor, luma_h);
    w->down[i] = dk_blocks(height, comp->v_samp_factor, luma_v);
    w->blocks[i] = (*c->mem->request_virt_barray)((j_common_ptr)c, JPOOL_IMAGE, TRUE,
                                                  w->across[i], w->down[i], w->down[i]);
  }
  (*c->mem->realize_virt_arrays)((j_common_ptr)c);
  return 0;
}

/* The block rows of `component` (the quantised coefficients of each block in
 * natural order), with the array's size in blocks and the component's
 * quantisation table (natural order). */
JBLOCKARRAY dk_writer_blocks(dk_writer *w, int component, int *across, int *down,
                             unsigned short *quant)
{
  struct jpeg_compress_struct *c = &w->cinfo;
  jpeg_component_info *comp = &c->comp_info[component];
  JQUANT_TBL *table = c->quant_tbl_ptrs[comp->quant_tbl_no];
  int k;
  if (setjmp(w->err.jump)) return NULL;
  *across = (int)w->across[component];
  *down = (int)w->down[component];
  for (k = 0; k < DCTSIZE2; k++) quant[k] = table->quantval[k];
  return (*c->mem->access_virt_barray)((j_common_ptr)c, w->blocks[component], 0,
                                       w->down[component], TRUE);
}

/* libjpeg-turbo's Huffman table maker (jchuff.c, exported by the library but
 * declared in no public header): optimal code lengths for symbol counts
 * `freq` (257 entries, the last one its own). */
void jpeg_gen_optimal_table(j_compress_ptr cinfo, JHUFF_TBL *htbl, long freq[]);

/* Entropy-codes the blocks and completes the file; `*out` stays valid until
 * dk_writer_free. `dc` and `ac` (NULL: libjpeg counts them itself, in a pass
 * of its own) are the symbol counts of each table, luma then chroma, 257
 * entries each: the caller counted them as it made the blocks, so only one
 * pass over the blocks is left here. */
int dk_writer_finish_blocks(dk_writer *w, long *dc, long *ac, const unsigned char **out,
                            unsigned long *size)
{
  struct jpeg_compress_struct *c = &w->cinfo;
  int t;
  if (setjmp(w->err.jump)) return -1;
  if (dc != NULL && ac != NULL) {
    for (t = 0; t < (c->num_components > 1 ? 2 : 1); t++) {
      jpeg_gen_optimal_table(c, c->dc_huff_tbl_ptrs[t], dc + 257 * t);
      jpeg_gen_optimal_table(c, c->ac_huff_tbl_ptrs[t], ac + 257 * t);
    }
    c->optimize_coding = FALSE;
  }
  jpeg_write_coefficients(&w->cinfo, w->blocks);
  jpeg_finish_compress(&w->cinfo);
  *out = w->out;
  *size = (unsigned long)w->size;
  return 0;
}

/* Encodes the next `count` rows, `pitch` bytes apart. */
int dk_writer_write(dk_writer *w, const unsigned char *src, unsigned long pitch, int count)
{
  JSAMPROW rows[16];
  volatile int done = 0;
  if (setjmp(w->err.jump)) return -1;
  while (done < count) {
    int n = count - done, written, i;
    if (n > 16) n = 16;
    for (i = 0; i < n; i++) rows[i] = (JSAMPROW)(src + (size_t)(done + i) * pitch);
    written = (int)jpeg_write_scanlines(&w->cinfo, rows, (JDIMENSION)n);
    if (written == 0) {
      strcpy(w->err.message, "the encoder took no rows");
      return -1;
    }
    done += written;
  }
  return 0;
}

/* Completes the file; `*out` stays valid until dk_writer_free. */
int dk_writer_finish(dk_writer *w, const unsigned char **out, unsigned long *size)
{
  if (setjmp(w->err.jump)) return -1;
  jpeg_finish_compress(&w->cinfo);
  *out = w->out;
  *size = (unsigned long)w->size;
  return 0;
}

void dk_writer_free(dk_writer *w)
{
  if (w == NULL) return;
  jpeg_destroy_compress(&w->cinfo);
  free(w->out);
  free(w);
}
