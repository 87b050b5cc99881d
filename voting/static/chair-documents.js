// Meeting documents on the console: upload a PDF to an agenda item, with a progress bar and the
// server's refusal in words (too large, not a PDF, already added), and the count of an item's
// documents in the agenda.

import { ApiError } from "./api.js";
import { ctx, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    agenda_upload: "上传文件",
    upload_title: "上传会议文件：{title}",
    upload_name_label: "文件标题",
    upload_file_label: "PDF 文件",
    upload_confirm: "上传",
    upload_name_required: "须填写文件标题",
    upload_file_required: "请选择一个 PDF 文件",
    upload_progress: "已上传 {percent}%",
    done_upload: "已上传：{name}",
    documents_count: "文件 {count} 份",
  },
  en: {
    agenda_upload: "Upload a document",
    upload_title: "Upload a document: {title}",
    upload_name_label: "Document title",
    upload_file_label: "PDF file",
    upload_confirm: "Upload",
    upload_name_required: "Give the document a title",
    upload_file_required: "Choose a PDF file",
    upload_progress: "{percent}% uploaded",
    done_upload: "Uploaded: {name}",
    documents_count: "{count} documents",
  },
});

/** The upload button of an agenda item. */
export function uploadButton(item) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary small",
      "aria-label": `${t("agenda_upload")}：${item.title}`,
      onclick: () => uploadDialog(item),
    },
    t("agenda_upload"),
  );
}

/** How many documents an item has, or null. */
export function documentsNote(item) {
  const count = (item.documents || []).length;
  if (!count) return null;
  return h("span", { class: "documents-note" }, t("documents_count", { count }));
}

/** POST the file with XMLHttpRequest, for its upload progress; resolves to the JSON answer. */
export function sendDocument(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("authorization", `Bearer ${ctx.token}`);
    request.setRequestHeader("content-type", "application/pdf");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = {};
      }
      if (request.status === 200) resolve(body);
      else reject(new ApiError(request.status, body));
    };
    request.onerror = () =>
      reject(
        new ApiError(0, {
          error: "network",
          message: "无法连接服务器，请检查网络",
          message_en: "cannot reach the server",
        }),
      );
    request.send(file);
  });
}

function uploadDialog(item) {
  const name = h("input", { type: "text", required: true, maxlength: "500" });
  const file = h("input", { type: "file", accept: "application/pdf,.pdf", required: true });
  const bar = h("progress", { max: "100", value: "0", hidden: true });
  const label = h("span", { class: "upload-progress", role: "status" });
  file.addEventListener("change", () => {
    const chosen = file.files[0];
    if (chosen && !name.value.trim()) name.value = chosen.name.replace(/\.pdf$/i, "");
  });
  openDialog({
    title: t("upload_title", { title: item.title }),
    body: [
      field("upload-file", t("upload_file_label"), file),
      field("upload-name", t("upload_name_label"), name),
      h("p", {}, bar, " ", label),
    ],
    actions: [
      {
        label: t("upload_confirm"),
        tone: "primary",
        run: async () => {
          const chosen = file.files[0];
          if (!chosen) throw new Error(t("upload_file_required"));
          if (!name.value.trim()) throw new Error(t("upload_name_required"));
          const query = new URLSearchParams({ title: name.value.trim(), filename: chosen.name });
          const path = meetingPath(`/items/${encodeURIComponent(item.item)}/documents?${query}`);
          bar.hidden = false;
          await sendDocument(path, chosen, (share) => {
            const percent = Math.round(share * 100);
            bar.value = percent;
            label.textContent = t("upload_progress", { percent });
          });
          notify(t("done_upload", { name: name.value.trim() }), "ok");
        },
      },
    ],
  });
}
